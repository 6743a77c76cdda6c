import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
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

/** Turn a workflow that failed with a typed ApplicationFailure (its own, or an activity's) into a `MetisError` of that type; return other errors unchanged. */
export function explainWorkflowFailure(error: unknown): unknown {
  if (!(error instanceof WorkflowFailedError)) return error;
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type) return new MetisError(cause.type, cause.message, { cause: error });
  }
  return error;
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
