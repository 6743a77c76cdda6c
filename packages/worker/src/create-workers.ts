import { Worker } from '@temporalio/worker';
import type { Logger } from '@temporalio/worker';
import { createActivities, requireNativeModules } from '@metis/activities';
import type { ActivityDeps, MetisActivities } from '@metis/activities';
import { createReviewBriefActivities, inspectModelFile, loadLlmEngine } from '@metis/activities/llm';
import type { LlmEngine } from '@metis/activities/llm';
import type { MetisLogLevel } from '@metis/activities/logging';
import { POOLS, taskQueueName } from '@metis/workflows';
import type { Pool } from '@metis/workflows';
import { checkTaskQueuePrefixConfig, metisDataConverter, openResources } from '@metis/sdk/internal';
import type { MetisConfig } from '@metis/sdk';
import { connectWorker } from './connect-worker.ts';
import { formatPoolSizing, sizePools } from './size-pools.ts';
import type { PoolSizing, SizePoolsInput } from './size-pools.ts';
import { bundleMetisWorkflows } from './workflow-bundle.ts';
import { startObservability } from './observability/worker-observability.ts';
import type { WorkerObservability } from './observability/worker-observability.ts';

/** Concurrency of one pool's worker. */
export interface PoolOptions {
  /** Workflow tasks run at once. */
  readonly maxConcurrentWorkflowTasks?: number;
  /** Activities run at once. */
  readonly maxConcurrentActivities?: number;
}

/** Options of `createWorkers`. */
export interface CreateWorkersOptions {
  /** Connection settings. */
  readonly config: MetisConfig;
  /** Pools to run (default all three); concurrency given here wins over the sizing. */
  readonly pools?: Partial<Record<Pool, PoolOptions>>;
  /** How to size the pools (default: read this machine's CPUs, memory and cgroup limits). */
  readonly sizing?: SizePoolsInput;
  /** Where the sizing table goes at start (default: the logger at `info`, except under the test runner). */
  readonly onSizing?: (table: string, sizing: PoolSizing) => void;
  /**
   * Logger of these workers, their activities and workflows, and of Temporal's runtime (default: JSON
   * lines on stdout with PII redacted, `createMetisLogger`). The runtime is per process: the first
   * `createWorkers` installs it, and entries of later calls' task queues are routed to their logger.
   */
  readonly logger?: Logger;
  /** Least severe line the default logger writes (default `METIS_LOG_LEVEL`, else `info`; `warn` under `node --test`). */
  readonly logLevel?: MetisLogLevel;
  /**
   * Where `/metrics` is served, Metis' series and Temporal's runtime series together: `host:port`
   * (port 0 picks a free one) or `off` (default `METIS_METRICS_ADDRESS`, else `127.0.0.1:9464`;
   * `off` under `node --test`). Workers of one process share an address.
   */
  readonly metricsAddress?: string;
  /** Tenants whose webhooks the notification activity delivers to. */
  readonly tenants?: readonly { readonly tenantId: string; readonly webhook?: { readonly url: string; readonly secret: string } }[];
  /** Implementations the built-in activities call: automated journey states, a loan's external checks, payouts, messaging. */
  readonly services?: Omit<ActivityDeps, 'db' | 'objects' | 'webhooks'>;
  /**
   * Path of a GGUF model the `ai` pool loads for its LLM activities (analyses, review briefs) when
   * `services.llm` is not given (default `METIS_LLM_MODEL`); loaded once, shared by every request of
   * the process, and closed with the workers. Without either, review briefs answer `unavailable`.
   */
  readonly llmModel?: string;
  /** Replace or add activities, e.g. test implementations of ones not configured here. */
  readonly activities?: Partial<MetisActivities> & Record<string, (...args: never[]) => Promise<unknown>>;
}

/** Running workers for the Metis pools of one process. */
export interface MetisWorkers {
  /** Task queues being polled. */
  readonly taskQueues: readonly string[];
  /** How the pools were sized. */
  readonly sizing: PoolSizing;
  /** The URL Prometheus scrapes, when metrics are served. */
  readonly metricsUrl: string | undefined;
  /** Resolve when every worker has stopped; reject if one fails. */
  readonly done: Promise<void>;
  /** Stop polling, finish the tasks in hand, and close connections. */
  shutdown(): Promise<void>;
}

/** Start workers polling the Metis task queues, with the workflows bundled once and shared. */
export async function createWorkers(options: CreateWorkersOptions): Promise<MetisWorkers> {
  const { config } = options;
  checkTaskQueuePrefixConfig(config.temporal.taskQueuePrefix);
  // What can be refused without the runtime is refused first: a process that installed Temporal's
  // runtime stays alive until it shuts down, so a bad configuration must fail before it.
  if (config.encryption === undefined) metisDataConverter(config.encryption, () => undefined);
  await requireNativeModules({ ...options.activities });
  const selected = (options.pools ? (Object.keys(options.pools) as Pool[]) : [...POOLS]).filter((p) => POOLS.includes(p));
  const llmModel = options.services?.llm || !selected.includes('ai') ? undefined : options.llmModel ?? (process.env['METIS_LLM_MODEL'] || undefined);
  // A missing or corrupt model fails here, before the runtime; its footprint is part of the sizing.
  const modelFile = llmModel === undefined ? undefined : await inspectModelFile(llmModel);
  // The metrics address is bound, then the runtime (logger, Temporal's exporter) installed, before any connection.
  const observability = await startObservability({ logger: options.logger, logLevel: options.logLevel, metricsAddress: options.metricsAddress, metrics: options.services?.metrics });
  try {
    return await startWorkers(options, observability, { selected, llmModel, modelFile });
  } catch (error) {
    // Also lets go of the runtime: shut down when no worker or connection of this process uses it.
    await observability.close();
    throw error;
  }
}

interface Planned {
  readonly selected: readonly Pool[];
  readonly llmModel: string | undefined;
  readonly modelFile: Awaited<ReturnType<typeof inspectModelFile>> | undefined;
}

async function startWorkers(options: CreateWorkersOptions, observability: WorkerObservability, { selected, llmModel, modelFile }: Planned): Promise<MetisWorkers> {
  const { config } = options;
  const { logger, metrics } = observability;
  const dataConverter = metisDataConverter(config.encryption, (message) => {
    logger.warn(message);
  });
  const sizing = sizePools(
    modelFile
      ? { ...options.sizing, models: [...(options.sizing?.models ?? []), { name: modelFile.name, kind: 'llm', fileBytes: modelFile.fileBytes, kvBytesPerToken: modelFile.kvBytesPerToken, trainContextSize: modelFile.trainContextSize }] }
      : options.sizing,
  );
  const report =
    options.onSizing ??
    ((table: string) => {
      if (!process.env['NODE_TEST_CONTEXT']) logger.info('pools sized', { table });
    });
  report(formatPoolSizing(sizing, config.temporal.taskQueuePrefix ? { taskQueuePrefix: config.temporal.taskQueuePrefix } : {}), sizing);
  const connection = await connectWorker(config.temporal);
  const resources = await openResources(config).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  let ownEngine: LlmEngine | undefined;
  if (llmModel !== undefined) {
    ownEngine = await loadLlmEngine({ modelPath: llmModel, ...sizing.llm, metrics }).catch(async (error: unknown) => {
      await connection.close();
      await resources.close();
      throw error;
    });
  }
  const llm = options.services?.llm ?? (ownEngine ? { engine: ownEngine } : undefined);
  const webhooks = new Map((options.tenants ?? []).flatMap((t) => (t.webhook ? [[t.tenantId, t.webhook] as const] : [])));
  const activities = {
    ...createActivities({ db: resources.db, objects: resources.objects, webhooks: (tenantId) => webhooks.get(tenantId), ...options.services, metrics, ...(llm ? { llm } : {}) }),
    // Registered with or without an engine: a loan's review asks for a brief on every AI worker.
    ...createReviewBriefActivities({ db: resources.db, engine: llm?.engine, metrics }),
    ...options.activities,
  };
  const closeAll = async (): Promise<void> => {
    await connection.close();
    await resources.close();
    await ownEngine?.close();
    await observability.close();
  };
  let workers: Worker[];
  try {
    const workflowBundle = await bundleMetisWorkflows(logger);
    workers = await Promise.all(
      selected.map((pool) => {
        const given = options.pools?.[pool] ?? {};
        const planned = sizing.pools[pool];
        return Worker.create({
          connection,
          namespace: config.temporal.namespace,
          taskQueue: taskQueueName(pool, config.temporal.taskQueuePrefix),
          workflowBundle,
          activities,
          dataConverter,
          interceptors: { activity: [observability.interceptor] },
          maxConcurrentWorkflowTaskExecutions: given.maxConcurrentWorkflowTasks ?? planned.maxConcurrentWorkflowTasks,
          maxConcurrentActivityTaskExecutions: given.maxConcurrentActivities ?? planned.maxConcurrentActivities,
        });
      }),
    );
  } catch (error) {
    await closeAll();
    throw error;
  }
  observability.attach(connection, resources.db, config.temporal.namespace, workers.map((w) => w.options.taskQueue));
  const runs = workers.map((w) => w.run());
  const done = Promise.all(runs).then(closeAll, async (error: unknown) => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(runs);
    await closeAll();
    throw error;
  });
  return {
    taskQueues: workers.map((w) => w.options.taskQueue),
    sizing,
    metricsUrl: observability.metricsUrl,
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
