// The worker of the baseline workflows (raw-workflows.ts), shared by the benchmarks.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import type { MetisConfig } from '@metis/sdk';
import { checkTaskQueuePrefix, TASK_QUEUE_SEPARATOR } from '@metis/workflows';

/** A running baseline worker. */
export interface RawWorker {
  /** Task queue it polls: `raw`, or `{prefix}-raw` with a prefix. */
  readonly taskQueue: string;
  /** Stop it and close its connection. */
  shutdown(): Promise<void>;
}

/** Start a worker for the baseline workflows with a no-op activity, optionally with the concurrency of a Metis pool. */
export async function startRawWorker(config: MetisConfig, limits: { maxConcurrentWorkflowTaskExecutions?: number; maxConcurrentActivityTaskExecutions?: number } = {}): Promise<RawWorker> {
  const prefix = config.temporal.taskQueuePrefix;
  const taskQueue = prefix === undefined ? 'raw' : `${checkTaskQueuePrefix(prefix)}${TASK_QUEUE_SEPARATOR}raw`;
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./raw-workflows.ts', import.meta.url)), logger: new DefaultLogger('WARN') }),
    activities: { noop: (step: string) => Promise.resolve(step) },
    ...limits,
  });
  const running = worker.run();
  return {
    taskQueue,
    async shutdown() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
