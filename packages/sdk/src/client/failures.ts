import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FieldError } from '@metis/fsm';
import { STEP_REJECTED } from '@metis/workflows';
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

/** Tell whether an error says the workflow does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || (error instanceof Error && /not ?found/i.test(error.message) && (error as { code?: number }).code === 5);
}
