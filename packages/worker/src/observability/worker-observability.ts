import type { ActivityInterceptorsFactory, Logger, NativeConnection } from '@temporalio/worker';
import { createMetisLogger, parseLogLevel } from '@metis/activities/logging';
import type { MetisLogger, MetisLogLevel } from '@metis/activities/logging';
import { collectJourneyCounts, isMetricsRegistry, processMetricsRegistry, teeMetrics } from '@metis/activities/metrics';
import type { Metrics, MetricsRegistry } from '@metis/activities/metrics';

type Database = Parameters<typeof collectJourneyCounts>[0];
import { activityMetricsInterceptor } from './activity-metrics.ts';
import { DEFAULT_METRICS_ADDRESS, parseMetricsAddress, serveMetrics } from './metrics-endpoint.ts';
import type { MetricsEndpoint } from './metrics-endpoint.ts';
import { installMetisRuntime } from './runtime.ts';
import type { MetisRuntimeUse } from './runtime.ts';
import { collectTaskQueueBacklog } from './task-queue-backlog.ts';

/** What `createWorkers` is told about logs and metrics. */
export interface ObservabilityOptions {
  /** Logger of the workers and of Temporal's runtime (default: `createMetisLogger`). */
  readonly logger?: Logger | undefined;
  /** Level of the default logger (default `METIS_LOG_LEVEL`, else `info`; `warn` under `node --test`). */
  readonly logLevel?: MetisLogLevel | undefined;
  /** Where `/metrics` is served: `host:port` or `off` (default `METIS_METRICS_ADDRESS`, else `127.0.0.1:9464`; `off` under `node --test`). */
  readonly metricsAddress?: string | undefined;
  /** Sink the activities report to; a registry is served as is, another sink also feeds the process registry. */
  readonly metrics?: Metrics | undefined;
}

/** Logs and metrics of one `createWorkers` call. */
export interface WorkerObservability {
  /** The workers' logger. */
  readonly logger: Logger;
  /** Sink for the activities. */
  readonly metrics: Metrics;
  /** The registry served at `/metrics`. */
  readonly registry: MetricsRegistry;
  /** Times and counts every activity. */
  readonly interceptor: ActivityInterceptorsFactory;
  /** The URL of `/metrics`, when served. */
  readonly metricsUrl: string | undefined;
  /** Route the workers' log entries and start the scrape-time collectors. */
  attach(connection: NativeConnection, db: Database, namespace: string, taskQueues: readonly string[]): void;
  /** Stop collecting, let go of the endpoint, and of the runtime (shut down when nothing of this process uses it). */
  close(): Promise<void>;
}

function levelOf(logger: Logger, given: MetisLogLevel | undefined): string {
  const own = (logger as Partial<MetisLogger>).level;
  if (typeof own === 'string') return own;
  if (given !== undefined) return parseLogLevel(given);
  const env = process.env['METIS_LOG_LEVEL'];
  return env ? parseLogLevel(env, 'METIS_LOG_LEVEL') : process.env['NODE_TEST_CONTEXT'] ? 'warn' : 'info';
}

/** Set up the logger, the Temporal runtime, the metrics registry and its endpoint for workers. */
export async function startObservability(options: ObservabilityOptions): Promise<WorkerObservability> {
  const logger = options.logger ?? createMetisLogger(options.logLevel !== undefined ? { level: options.logLevel } : {});
  const fromEnv = process.env['METIS_METRICS_ADDRESS'];
  const source = options.metricsAddress !== undefined ? 'metricsAddress' : fromEnv ? 'METIS_METRICS_ADDRESS' : 'the default metrics address';
  const wanted = options.metricsAddress ?? (fromEnv || (process.env['NODE_TEST_CONTEXT'] ? 'off' : DEFAULT_METRICS_ADDRESS));
  const address = parseMetricsAddress(wanted, source);
  const given = options.metrics;
  const registry = given && isMetricsRegistry(given) ? given : processMetricsRegistry();
  const metrics = given ? teeMetrics(given, registry) : registry;
  // The endpoint binds before the runtime is installed, so an address in use fails with nothing
  // to shut down; Temporal's exporter address is read at each scrape.
  let runtime: MetisRuntimeUse | undefined;
  const endpoint: MetricsEndpoint | undefined = address ? await serveMetrics(address, registry, { temporalMetricsAddress: () => runtime?.temporalMetricsAddress, source, logger }) : undefined;
  try {
    runtime = await installMetisRuntime(logger, { level: levelOf(logger, options.logLevel), temporalMetrics: address !== undefined });
  } catch (error) {
    await endpoint?.close();
    throw error;
  }
  const use = runtime;
  if (address && !use.temporalMetricsAddress) logger.warn('Temporal runtime metrics are not served: the runtime was installed before these workers without a Prometheus exporter');
  if (endpoint) logger.info('metrics served', { url: endpoint.url });
  const detach: (() => void)[] = [];
  const warned = new Set<string>();
  const warnOnce = (what: string, error: unknown): void => {
    if (warned.has(what)) return;
    warned.add(what);
    logger.warn(`metrics: ${what} could not be collected`, { error });
  };
  return {
    logger,
    metrics,
    registry,
    interceptor: activityMetricsInterceptor(metrics),
    metricsUrl: endpoint?.url,
    attach(connection, db, namespace, taskQueues) {
      detach.push(use.route(logger, taskQueues));
      detach.push(registry.onScrape(() => collectJourneyCounts(db, registry).catch((error: unknown) => warnOnce('metis_journeys', error))));
      detach.push(registry.onScrape(() => collectTaskQueueBacklog(connection, namespace, taskQueues, registry).catch((error: unknown) => warnOnce('metis_task_queue_backlog', error))));
    },
    async close() {
      for (const d of detach.splice(0)) d();
      await endpoint?.close();
      await use.release();
    },
  };
}
