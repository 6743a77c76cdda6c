import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { withTenant } from '@metis/activities/storage';
import type { LoanApplication, StoredDecision } from '@metis/activities/loans';
import type { MetisDatabase } from '@metis/activities/storage';
import { loanProcessingWorkflow, loanQuery, loanReviewUpdate, loanWorkflowId, metisSearchAttributes, taskQueueName } from '@metis/workflows';
import type { LoanPolicy, LoanReview, LoanView } from '@metis/workflows';
import type { Kysely } from 'kysely';
import { MetisError } from '@metis/activities/errors';
import { LoanNotFoundError, RequestRefusedError } from '../errors.ts';
import { explainUpdateFailure, isNotFound, orNotFound, workflowStatus } from './failures.ts';

/** A tenant's loans. */
export interface TenantLoans {
  /** Start processing an application (idempotent by application id); resolve once it is accepted. */
  apply(application: LoanApplication): Promise<{ applicationId: string; workflowId: string; started: boolean }>;
  /** Return where an application stands. */
  get(applicationId: string): Promise<LoanView>;
  /** Wait for the decision: the final one, or the rules' `manual_review` proposal once the application waits for a reviewer. */
  waitForDecision(applicationId: string, options?: { timeoutMs?: number; pollMs?: number; onProgress?: (view: LoanView) => void }): Promise<StoredDecision>;
  /** Record an underwriter's verdict on an application waiting for manual review. */
  review(applicationId: string, review: LoanReview): Promise<LoanView>;
}

/** Create the loans API of one tenant. */
export function tenantLoans(client: Client, db: Kysely<MetisDatabase>, tenantId: string, policy: LoanPolicy | undefined, prefix: string | undefined): TenantLoans {
  const handle = (applicationId: string) => client.workflow.getHandle(loanWorkflowId(tenantId, applicationId));
  const get = (applicationId: string): Promise<LoanView> =>
    orNotFound(handle(applicationId).query(loanQuery), () => new LoanNotFoundError(loanWorkflowId(tenantId, applicationId)));
  return {
    async apply(application) {
      if (!policy) throw new MetisError('LOAN_POLICY_MISSING', `tenant ${tenantId} has no loan policy`, { hint: "Add `loanPolicy` to the tenant's definition" });
      if (!(application.amount > 0) || !Number.isInteger(application.tenureMonths) || application.tenureMonths <= 0) {
        throw new MetisError('INVALID_APPLICATION', 'amount must be positive and tenureMonths a positive whole number');
      }
      let kycStatus = application.kycStatus;
      if (kycStatus === undefined) {
        const kyc = await withTenant(db, tenantId, (trx) =>
          trx.selectFrom('journeys').select('status').where('journey_type', '=', 'kyc').where('applicant_id', '=', application.applicant.applicantId).executeTakeFirst(),
        );
        kycStatus = kyc?.status ?? 'not_started';
      }
      const workflowId = loanWorkflowId(tenantId, application.applicationId);
      try {
        await client.workflow.start(loanProcessingWorkflow, {
          workflowId,
          taskQueue: taskQueueName('default', prefix),
          args: [{ tenantId, application: { ...application, kycStatus }, policy }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          typedSearchAttributes: metisSearchAttributes(tenantId, 'loan', 'received'),
        });
        return { applicationId: application.applicationId, workflowId, started: true };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return { applicationId: application.applicationId, workflowId, started: false };
        throw error;
      }
    },
    get,
    async waitForDecision(applicationId, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      let lastStage = '';
      for (;;) {
        const view = await get(applicationId);
        if (view.stage !== lastStage || view.decision) {
          lastStage = view.stage;
          options.onProgress?.(view);
        }
        if (view.decision) return view.decision;
        if (view.stage === 'review' && view.proposed) return view.proposed;
        if (view.stage === 'failed') throw new MetisError('LOAN_FAILED', `loan ${applicationId} failed: ${view.error ?? 'unknown error'}`);
        if (Date.now() > deadline) throw new MetisError('LOAN_DECISION_TIMEOUT', `no decision for ${applicationId} yet (stage ${view.stage})`);
        await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
      }
    },
    async review(applicationId, review) {
      try {
        return await handle(applicationId).executeUpdate(loanReviewUpdate, { args: [review] });
      } catch (error) {
        if (isNotFound(error)) {
          if ((await workflowStatus(handle(applicationId))) !== undefined) throw new RequestRefusedError('NoReviewPending', `application ${applicationId} is not waiting for a review`);
          throw new LoanNotFoundError(loanWorkflowId(tenantId, applicationId));
        }
        throw explainUpdateFailure(error);
      }
    },
  };
}
