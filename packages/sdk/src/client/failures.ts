import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { FieldError } from '@metis/fsm';
import { STEP_REJECTED } from '@metis/workflows';
import { MetisError } from '@metis/activities/errors';
import { RequestRefusedError, StepRejectedError } from '../errors.ts';

/** Turn a refused Update into the SDK's typed error; return other errors unchanged. */
export function explainUpdateFailure(error: unknown): unknown {
  if (!(error instanceof WorkflowUpdateFailedError)) return error;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === STEP_REJECTED) {
      const [errors] = cause.details ?? [];
      return new StepRejectedError(cause.message, Array.isArray(errors) ? (errors as FieldError[]) : []);
    }
    return new RequestRefusedError(cause.type ?? 'REQUEST_REFUSED', cause.message);
  }
  return error;
}

// Failure types that only name a JavaScript error class, not what went wrong.
const GENERIC_ERROR_TYPES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError', 'ApplicationFailure']);

/** Turn a workflow that failed with a typed ApplicationFailure (its own, or an activity's) into a `MetisError` of that type; return other errors unchanged. */
export function explainWorkflowFailure(error: unknown): unknown {
  if (!(error instanceof WorkflowFailedError)) return error;
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type && /^[A-Za-z][A-Za-z0-9_]+$/.test(cause.type) && !GENERIC_ERROR_TYPES.has(cause.type)) return new MetisError(cause.type, cause.message, { cause: error });
  }
  return error;
}

/** How long a workflow query may take before `WORKFLOW_UNRESPONSIVE` (no worker answering its task queue). */
export const QUERY_TIMEOUT_MS = 10_000;

function isDeadlineExceeded(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === 4 || /deadline exceeded/i.test(e.message)) return true;
  }
  return false;
}

/** Ask a workflow within a deadline; throw `MetisError` `WORKFLOW_UNRESPONSIVE` when it passes unanswered. */
export async function queryWithin<T>(client: Client, workflowId: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, call);
  } catch (error) {
    if (isDeadlineExceeded(error)) {
      throw new MetisError('WORKFLOW_UNRESPONSIVE', `workflow ${workflowId} did not answer within ${timeoutMs} ms`, { hint: 'Check that workers serve its task queue', cause: error });
    }
    throw error;
  }
}

/** Tell whether an error says the workflow does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || (error instanceof Error && /not ?found/i.test(error.message) && (error as { code?: number }).code === 5);
}

/** Await a call on a workflow; when the workflow does not exist, throw `notFound()` instead. */
export async function orNotFound<T>(call: Promise<T>, notFound: () => Error): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) throw notFound();
    throw error;
  }
}

/** Return a workflow's status (`RUNNING`, `COMPLETED`, …), or undefined when it cannot be described. */
export function workflowStatus(handle: WorkflowHandle): Promise<string | undefined> {
  return handle.describe().then(
    (description) => description.status.name,
    () => undefined,
  );
}
