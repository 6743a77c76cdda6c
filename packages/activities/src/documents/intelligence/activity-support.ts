import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { InvalidTenantIdError, MetisError, ObjectKeyError, ObjectNotFoundError } from '../../errors.ts';
import { UnreadableDocumentError } from '../../ocr/errors.ts';
import { InvalidRiskInputError, RiskModelInvalidError, RiskModelNotFoundError } from '../../risk/errors.ts';
import { LowQualityDocumentError, WrongDocumentTypeError } from './errors.ts';
import { VerificationParamsError } from '../verification-params.ts';
import { AnalyticsInputError } from '../../analytics/errors.ts';

/** Heartbeat when running inside a Temporal activity; do nothing elsewhere (scripts, tests, the CLI). */
export function heartbeatIfActivity(details?: unknown): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.heartbeat(details);
}

/** Details a failure carries for the workflow (never PII). */
function detailsOf(error: MetisError): Record<string, unknown> {
  if (error instanceof UnreadableDocumentError) return { reason: error.reason };
  if (error instanceof WrongDocumentTypeError) return { expected: error.expected, detected: error.detected, confidence: error.confidence };
  if (error instanceof LowQualityDocumentError) return { violations: error.violations.map((v) => ({ rule: v.rule, code: v.code, message: v.message })) };
  if (error instanceof InvalidRiskInputError) return { features: [...error.features] };
  return {};
}

const PERMANENT = [
  UnreadableDocumentError,
  WrongDocumentTypeError,
  LowQualityDocumentError,
  InvalidRiskInputError,
  RiskModelNotFoundError,
  RiskModelInvalidError,
  ObjectKeyError,
  ObjectNotFoundError,
  InvalidTenantIdError,
  VerificationParamsError,
  AnalyticsInputError,
];

/** Report whether retrying cannot fix an error (bad input, missing object or model). */
export function isPermanentError(error: unknown): error is MetisError {
  return error instanceof MetisError && PERMANENT.some((type) => error instanceof type);
}

/**
 * Turn an error a retry cannot fix into a non-retryable `ApplicationFailure` whose type is the
 * error's stable code; return anything else (e.g. a store that is briefly down) unchanged.
 */
export function toActivityFailure(error: unknown): unknown {
  if (isPermanentError(error)) {
    return ApplicationFailure.create({ message: error.message, type: error.code, nonRetryable: true, details: [detailsOf(error)], cause: error });
  }
  return error;
}
