import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CreditSummary, DocumentCheck, LoanApplication, RiskAssessment, StoredDecision } from '@metis/activities/loans';
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
}

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
/** Wait in the workflow for the decision (the final one, or the `manual_review` proposal while a review is pending) and return it; fails with `LoanProcessingFailed` when the loan fails first. */
export const loanDecisionUpdate = defineUpdate<StoredDecision>('metis.loan.decision');

/** Build a loan's workflow id: `loan:{tenantId}:{applicationId}`. */
export function loanWorkflowId(tenantId: string, applicationId: string): string {
  return `loan:${tenantId}:${applicationId}`;
}
