import type { Priority } from '@temporalio/common';
import { taskQueueName } from './task-queues.ts';
import type { Pool } from './task-queues.ts';

/**
 * Temporal priority key of each pool's work (1 is served first, 5 last, 3 is Temporal's default):
 * interactive work (journey steps an applicant waits for) before the default pool's loans and
 * storage, and those before the AI pool's long inference.
 */
export const POOL_PRIORITY_KEYS = {
  interactive: 2,
  default: 3,
  ai: 4,
} as const satisfies Record<Pool, number>;

/** Return the priority of a pool's work: its priority key; the fairness key and weight come from the workflow. */
export function poolPriority(pool: Pool): Priority {
  return { priorityKey: POOL_PRIORITY_KEYS[pool] };
}

/** Return the task queue and priority of activities or a child workflow on a pool. */
export function onPool(pool: Pool, prefix: string | undefined): { taskQueue: string; priority: Priority } {
  return { taskQueue: taskQueueName(pool, prefix), priority: poolPriority(pool) };
}
