/** The pools Metis runs work on, by role. */
export const POOLS = ['interactive', 'default', 'ai'] as const;

/** A pool of workers, by role. */
export type Pool = (typeof POOLS)[number];

/** Joins a task queue prefix to the queue's name: prefix `acme` gives `acme-metis-default`. */
export const TASK_QUEUE_SEPARATOR = '-';

const PREFIX = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;

/** What a task queue prefix may be, for messages. */
export const TASK_QUEUE_PREFIX_RULE = `1–64 letters, digits, '.', '_' or '-', starting and ending with a letter or digit (the '${TASK_QUEUE_SEPARATOR}' before the queue name is added for you)`;

/** Tell whether a string may prefix task queue names. */
export function isTaskQueuePrefix(prefix: string): boolean {
  return PREFIX.test(prefix);
}

/** Return the prefix when it may prefix task queue names; throw a `TypeError` saying why otherwise. */
export function checkTaskQueuePrefix(prefix: string): string {
  if (!isTaskQueuePrefix(prefix)) throw new TypeError(`task queue prefix ${JSON.stringify(prefix)} is invalid: use ${TASK_QUEUE_PREFIX_RULE}`);
  return prefix;
}

/** Return the task queue name of a pool: `metis-{pool}`, or `{prefix}-metis-{pool}` with a prefix (checked). */
export function taskQueueName(pool: Pool, prefix?: string): string {
  return prefix === undefined ? `metis-${pool}` : `${checkTaskQueuePrefix(prefix)}${TASK_QUEUE_SEPARATOR}metis-${pool}`;
}

/**
 * Recover the prefix from a Metis task queue name (undefined when it has none, or is not a Metis
 * queue), so a workflow routes to its own family of queues.
 */
export function taskQueuePrefix(taskQueue: string): string | undefined {
  for (const pool of POOLS) {
    const name = `metis-${pool}`;
    if (taskQueue === name) return undefined;
    if (taskQueue.endsWith(`${TASK_QUEUE_SEPARATOR}${name}`)) return taskQueue.slice(0, -(name.length + TASK_QUEUE_SEPARATOR.length));
  }
  return undefined;
}
