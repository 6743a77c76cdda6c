import { inWorkflowContext } from '@temporalio/workflow';

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

/**
 * Return the task queue name of a pool: `metis-{pool}`, or `{prefix}-metis-{pool}` with a prefix.
 *
 * Outside workflow code (configuration, clients, workers) the prefix is checked: a `TypeError`
 * says why it is refused. Inside workflow code the prefix is the one {@link taskQueuePrefix}
 * recovered from the workflow's own queue and is used as it is: the queue exists, its prefix was
 * accepted when it was configured (perhaps under older rules), and throwing here would fail the
 * workflow task on every attempt.
 */
export function taskQueueName(pool: Pool, prefix?: string): string {
  if (prefix === undefined) return `metis-${pool}`;
  return `${inWorkflowContext() ? prefix : checkTaskQueuePrefix(prefix)}${TASK_QUEUE_SEPARATOR}metis-${pool}`;
}

/**
 * Recover the prefix from a Metis task queue name (undefined when it has none, or is not a Metis
 * queue), so a workflow routes to its own family of queues. `acme-metis-default` gives `acme`.
 * Queues named before prefixes were joined with a separator (`acmemetis-default`, from prefix
 * `acme`) give `acme` too, so such a workflow's activities go to the `acme-metis-*` queues that
 * current workers poll. The result is not checked (see {@link taskQueueName}).
 */
export function taskQueuePrefix(taskQueue: string): string | undefined {
  for (const pool of POOLS) {
    const name = `metis-${pool}`;
    if (taskQueue === name) return undefined;
    if (taskQueue.endsWith(`${TASK_QUEUE_SEPARATOR}${name}`)) return taskQueue.slice(0, -(name.length + TASK_QUEUE_SEPARATOR.length));
    // The old convention: the prefix was concatenated, separator (if any) included.
    if (taskQueue.endsWith(name)) return taskQueue.slice(0, -name.length);
  }
  return undefined;
}
