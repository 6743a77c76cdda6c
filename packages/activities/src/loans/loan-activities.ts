import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';
import { DisbursementError } from './disbursement.ts';
import type { DisbursementProvider } from './disbursement.ts';
import type { CreditSummary, DocumentCheck, LoanApplication, RiskAssessment, StoredDecision } from './loan-types.ts';

/** Inputs every loan step shares. */
export interface LoanStepInput {
  readonly tenantId: string;
  readonly application: LoanApplication;
}

/** External checks a loan runs: documents, bureau, risk model. */
export interface LoanCheckActivities {
  /** Verify the application's documents. */
  verifyLoanDocuments(input: LoanStepInput): Promise<DocumentCheck>;
  /** Pull the applicant's credit report; a non-retryable `BureauUnavailable` failure when every provider is down. */
  pullCreditSummary(input: LoanStepInput): Promise<CreditSummary>;
  /** Score the application with the tenant's risk model (built in: its registered ONNX model, `createLoanRiskCheck`). */
  assessRisk(input: LoanStepInput & { readonly credit: CreditSummary | null }): Promise<RiskAssessment>;
}

/** Loan bookkeeping activities. */
export interface LoanRecordActivities {
  /** Store the application (once) and emit `LOAN_APPLIED`. */
  recordLoanApplication(input: LoanStepInput & { readonly workflowId: string }): Promise<{ created: boolean }>;
  /** Store the application's decision exactly once; return the stored one (the first, on a repeat). */
  recordLoanDecision(input: { readonly tenantId: string; readonly applicationId: string; readonly decision: StoredDecision }): Promise<{ decision: StoredDecision; recorded: boolean }>;
  /** Set the application's status: `manual_review` while it waits for a reviewer (emits `LOAN_MANUAL_REVIEW`), then `disbursed` or `failed`. */
  setLoanStatus(input: { readonly tenantId: string; readonly applicationId: string; readonly status: 'manual_review' | 'disbursed' | 'failed'; readonly reasons?: readonly string[] }): Promise<void>;
  /** Open the loan account of an approved application (once). */
  openLoanAccount(input: { readonly tenantId: string; readonly applicationId: string; readonly amount: number }): Promise<{ accountId: string }>;
  /** Close a loan account: the compensation of opening it. */
  closeLoanAccount(input: { readonly tenantId: string; readonly accountId: string }): Promise<void>;
  /** Pay the loan out to its account (idempotent by application). */
  disburseLoan(input: { readonly tenantId: string; readonly applicationId: string; readonly accountId: string; readonly amount: number }): Promise<{ transferId: string }>;
  /** Reverse a payout: the compensation of disbursing. */
  reverseDisbursement(input: { readonly tenantId: string; readonly accountId: string; readonly transferId: string }): Promise<void>;
}

/** Every loan activity, as workflows see them. */
export type LoanActivities = LoanCheckActivities & LoanRecordActivities;

/** Dependencies of the loan activities. */
export interface LoanActivityDeps {
  readonly db: Kysely<MetisDatabase>;
  /** Payout system; without it, disbursement fails as not configured. */
  readonly disbursement?: DisbursementProvider;
  /** Implementations of the external checks; any missing one fails as not configured. */
  readonly checks?: Partial<LoanCheckActivities>;
}

/** Failure type of a step whose implementation was not given to the workers. */
export const NOT_CONFIGURED = 'NotConfigured';

function notConfigured(name: string): never {
  throw ApplicationFailure.nonRetryable(`${name} is not configured: pass an implementation to createWorkers`, NOT_CONFIGURED);
}

const DECISION_EVENTS = { approve: 'LOAN_APPROVED', reject: 'LOAN_REJECTED', manual_review: 'LOAN_DECISION_PENDING' } as const;
const DECISION_STATUS = { approve: 'approved', reject: 'rejected', manual_review: 'manual_review' } as const;

/** Create the loan activities. */
export function createLoanActivities(deps: LoanActivityDeps): LoanActivities {
  const { db } = deps;
  const disbursement = (): DisbursementProvider => deps.disbursement ?? notConfigured('disbursement');
  return {
    // The given implementations themselves, so marks on them (`needingNativeModules`) reach the worker.
    verifyLoanDocuments: deps.checks?.verifyLoanDocuments ?? (() => notConfigured('document verification')),
    pullCreditSummary: deps.checks?.pullCreditSummary ?? (() => notConfigured('the credit bureau')),
    assessRisk: deps.checks?.assessRisk ?? (() => notConfigured('the risk model')),

    async recordLoanApplication({ tenantId, application, workflowId }) {
      return withTenant(db, tenantId, async (trx) => {
        const row = await trx
          .insertInto('loan_applications')
          .values({ tenant_id: tenantId, application_id: application.applicationId, workflow_id: workflowId, applicant_id: application.applicant.applicantId, amount: application.amount })
          .onConflict((oc) => oc.columns(['tenant_id', 'application_id']).doNothing())
          .returning('application_id')
          .executeTakeFirst();
        await appendEvent(trx, tenantId, {
          type: 'LOAN_APPLIED',
          aggregateType: 'loan',
          aggregateId: application.applicationId,
          payload: { amount: application.amount, tenureMonths: application.tenureMonths },
          idempotencyKey: `loan:${application.applicationId}:applied`,
        });
        return { created: row !== undefined };
      });
    },

    async recordLoanDecision({ tenantId, applicationId, decision }) {
      return withTenant(db, tenantId, async (trx) => {
        const updated = await trx
          .updateTable('loan_applications')
          .set({ decision: JSON.stringify(decision), decided_at: new Date(), status: DECISION_STATUS[decision.outcome], updated_at: new Date() })
          .where('tenant_id', '=', tenantId)
          .where('application_id', '=', applicationId)
          .where('decision', 'is', null)
          .returning('application_id')
          .executeTakeFirst();
        if (updated) {
          await appendEvent(trx, tenantId, {
            type: DECISION_EVENTS[decision.outcome],
            aggregateType: 'loan',
            aggregateId: applicationId,
            payload: { outcome: decision.outcome, reasons: [...decision.reasons], decidedBy: decision.decidedBy },
            idempotencyKey: `loan:${applicationId}:decision`,
          });
          return { decision, recorded: true };
        }
        const stored = await trx.selectFrom('loan_applications').select('decision').where('application_id', '=', applicationId).executeTakeFirst();
        if (!stored?.decision) throw ApplicationFailure.nonRetryable(`loan application ${applicationId} does not exist`, 'LoanNotFound');
        return { decision: stored.decision as unknown as StoredDecision, recorded: false };
      });
    },

    async setLoanStatus({ tenantId, applicationId, status, reasons }) {
      await withTenant(db, tenantId, async (trx) => {
        await trx.updateTable('loan_applications').set({ status, updated_at: new Date() }).where('application_id', '=', applicationId).execute();
        if (status === 'manual_review') {
          await appendEvent(trx, tenantId, {
            type: 'LOAN_MANUAL_REVIEW',
            aggregateType: 'loan',
            aggregateId: applicationId,
            payload: { reasons: [...(reasons ?? [])] },
            idempotencyKey: `loan:${applicationId}:review`,
          });
        }
      });
    },

    async openLoanAccount({ tenantId, applicationId, amount }) {
      const accountId = `acct-${applicationId}`;
      await withTenant(db, tenantId, (trx) =>
        trx
          .insertInto('loan_accounts')
          .values({ tenant_id: tenantId, account_id: accountId, application_id: applicationId, amount, status: 'open' })
          .onConflict((oc) => oc.columns(['tenant_id', 'account_id']).doUpdateSet({ status: 'open', updated_at: new Date() }).where('loan_accounts.status', '=', 'closed'))
          .execute(),
      );
      return { accountId };
    },

    async closeLoanAccount({ tenantId, accountId }) {
      await withTenant(db, tenantId, (trx) =>
        trx.updateTable('loan_accounts').set({ status: 'closed', updated_at: new Date() }).where('account_id', '=', accountId).execute(),
      );
    },

    async disburseLoan({ tenantId, applicationId, accountId, amount }) {
      let transferId: string;
      try {
        ({ transferId } = await disbursement().disburse({ reference: `${tenantId}:${applicationId}`, accountId, amount }));
      } catch (error) {
        if (error instanceof DisbursementError && !error.retryable) throw ApplicationFailure.nonRetryable(error.message, 'DisbursementRefused');
        throw error;
      }
      await withTenant(db, tenantId, (trx) =>
        trx.updateTable('loan_accounts').set({ status: 'disbursed', disbursement_ref: transferId, updated_at: new Date() }).where('account_id', '=', accountId).execute(),
      );
      return { transferId };
    },

    async reverseDisbursement({ tenantId, accountId, transferId }) {
      await disbursement().reverse(transferId);
      await withTenant(db, tenantId, (trx) =>
        trx.updateTable('loan_accounts').set({ status: 'open', disbursement_ref: null, updated_at: new Date() }).where('account_id', '=', accountId).execute(),
      );
    },
  };
}
