import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CreditSummary, DocumentCheck, LoanApplication, RiskAssessment, StoredDecision } from '@metis/activities/loans';
import type { StoredReviewBrief } from '@metis/activities/llm';
import type { RuleSetInput } from '@metis/fsm';

/** How a tenant processes loans. */
export interface LoanPolicy {
  /** The tenant's decision rules. */
  readonly ruleSet: RuleSetInput;
  /** Amounts above this take the high-value path: full checks, then a manual review (default ₹10,00,000). */
  readonly highValueThreshold?: number;
  /** Run documents, bureau and validation one after another, or at once (default sequential). */
  readonly mode?: 'sequential' | 'parallel';
  /** Annual interest rate used for the EMI-to-income ratio (default 0.14). */
  readonly annualRate?: number;
  /** How long a manual review may wait for a reviewer, e.g. `3d` or ms (default 7 days). */
  readonly reviewTimeout?: string | number;
  /** Open the account and pay out approved loans (default true). */
  readonly disburse?: boolean;
  /** Notify the tenant's webhook of the decision (default true). */
  readonly webhook?: boolean;
  /** Also text the applicant when a phone number is known (default false). */
  readonly sms?: boolean;
  /** Retry of calls to outside providers (default: 3 attempts, backoff 2, from 10 s). */
  readonly providerRetry?: { readonly initialInterval?: string; readonly maximumAttempts?: number };
}

/** What starts a loan workflow. */
export interface LoanWorkflowInput {
  readonly tenantId: string;
  readonly application: LoanApplication;
  readonly policy: LoanPolicy;
}

/** A loan workflow's stages, in order. */
export type LoanStage = 'received' | 'documents' | 'bureau' | 'risk' | 'decision' | 'review' | 'disbursement' | 'notification' | 'done' | 'failed';

/** One completed step of a loan, for progress displays. */
export interface LoanStepRecord {
  readonly step: string;
  readonly detail: string;
}

/** Where a loan stands: the answer to the loan query. */
export interface LoanView {
  readonly tenantId: string;
  readonly applicationId: string;
  readonly stage: LoanStage;
  readonly highValue: boolean;
  readonly steps: readonly LoanStepRecord[];
  readonly documents: DocumentCheck | null;
  readonly credit: CreditSummary | null;
  readonly risk: RiskAssessment | null;
  /** The rules' verdict (before a manual review). */
  readonly proposed: StoredDecision | null;
  /** The final, stored decision. */
  readonly decision: StoredDecision | null;
  readonly error: string | null;
  /** The underwriter's LLM brief, once the loan went to manual review (absent otherwise, and in loans started before briefs existed). */
  readonly brief?: LoanReviewBrief;
}

/**
 * Where a loan's review brief stands: `pending` while the AI pool writes it, `completed` with the
 * stored brief, `unavailable` when the worker has no LLM, `failed` when writing or storing it failed
 * (the loan goes on either way).
 */
export type LoanReviewBrief =
  | { readonly status: 'pending' }
  | { readonly status: 'completed'; readonly brief: StoredReviewBrief }
  | { readonly status: 'unavailable'; readonly reason: string }
  | { readonly status: 'failed'; readonly error: string };

/** An underwriter's verdict on an application waiting for manual review. */
export interface LoanReview {
  readonly outcome: 'approve' | 'reject';
  readonly reviewer: string;
  readonly reason: string;
  /** Amount approved, when lower than requested. */
  readonly approvedAmount?: number;
}

/** Return where the loan stands. */
export const loanQuery = defineQuery<LoanView>('metis.loan.describe');
/** Decide an application waiting for manual review; rejected when none is waiting. */
export const loanReviewUpdate = defineUpdate<LoanView, [LoanReview]>('metis.loan.review');
/** How long a caller of {@link loanDecisionUpdate} waits for the decision. */
export interface LoanDecisionWait {
  /** The caller's timeout in ms; the Update gives up a little after it (see {@link loanDecisionWaitMs}). Without it the Update waits until there is a decision. */
  readonly timeoutMs?: number;
}
/** Failure type of a {@link loanDecisionUpdate} whose wait ran out before there was a decision. */
export const LOAN_DECISION_PENDING = 'LoanDecisionPending';
/**
 * Wait in the workflow for the decision (the final one, or the `manual_review` proposal while a review is pending) and return it;
 * fails with `LoanProcessingFailed` when the loan fails first, and with {@link LOAN_DECISION_PENDING} when the wait's `timeoutMs`
 * (plus {@link loanDecisionWaitMs}' margin) passes first. Its argument may be missing (clients from before the timeout send none):
 * then it waits for the decision. (Typed `| undefined` rather than optional, which the client's `executeUpdate` overloads do not take.)
 */
export const loanDecisionUpdate = defineUpdate<StoredDecision, [wait: LoanDecisionWait | undefined]>('metis.loan.decision');

/**
 * How long the decision Update waits for a caller that gives up after `timeoutMs`: a little longer (a tenth, at
 * least 100 ms and at most 1 s), so the caller's own timeout normally fires first and the Update ends right after
 * it instead of staying in flight (a workflow takes at most 10 Updates in flight by default). Undefined: no limit.
 */
export function loanDecisionWaitMs(wait: LoanDecisionWait | undefined): number | undefined {
  const timeoutMs = wait?.timeoutMs;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs)) return undefined;
  const ms = Math.max(0, timeoutMs);
  return Math.ceil(ms + Math.min(1_000, Math.max(100, ms / 10)));
}

/** Build a loan's workflow id: `loan:{tenantId}:{applicationId}`. */
export function loanWorkflowId(tenantId: string, applicationId: string): string {
  return `loan:${tenantId}:${applicationId}`;
}
