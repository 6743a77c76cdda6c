/** The pools Metis runs work on, by role. */
export const POOLS = ['interactive', 'default', 'ai'] as const;

/** A pool of workers, by role. */
export type Pool = (typeof POOLS)[number];

/** Return the task queue name of a pool: `{prefix}metis-{pool}`. */
export function taskQueueName(pool: Pool, prefix = ''): string {
  return `${prefix}metis-${pool}`;
}

/** Recover the prefix from a Metis task queue name, so a workflow routes to its own family of queues. */
export function taskQueuePrefix(taskQueue: string): string {
  for (const pool of POOLS) {
    const suffix = `metis-${pool}`;
    if (taskQueue.endsWith(suffix)) return taskQueue.slice(0, -suffix.length);
  }
  return '';
}
