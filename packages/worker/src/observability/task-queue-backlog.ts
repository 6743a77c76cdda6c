import type { NativeConnection } from '@temporalio/worker';
import type { Metrics } from '@metis/activities/metrics';

const TYPES = [
  ['workflow', 1],
  ['activity', 2],
] as const;

/** Set `metis_task_queue_backlog{task_queue,kind}` from Temporal's DescribeTaskQueue statistics. */
export async function collectTaskQueueBacklog(connection: NativeConnection, namespace: string, taskQueues: readonly string[], metrics: Metrics, timeoutMs = 2_000): Promise<void> {
  await Promise.all(
    taskQueues.flatMap((name) =>
      TYPES.map(async ([kind, taskQueueType]) => {
        const response = await connection.withDeadline(Date.now() + timeoutMs, () =>
          connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name, kind: 1 }, taskQueueType, reportStats: true }),
        );
        const backlog = response.stats?.approximateBacklogCount;
        metrics.gauge('metis_task_queue_backlog', backlog === undefined || backlog === null ? 0 : Number(backlog), { task_queue: name, kind });
      }),
    ),
  );
}
