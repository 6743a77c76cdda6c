import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { withTenant } from '@metis/activities/storage';
import type { LoanApplication, StoredDecision } from '@metis/activities/loans';
import type { LlmProgress, StoredReviewBrief } from '@metis/activities/llm';
import { loadReviewBriefs } from '@metis/activities/review-briefs';
import type { LoanStatus, MetisDatabase } from '@metis/activities/storage';
import { LOAN_DECISION_PENDING, loanDecisionUpdate, loanProcessingWorkflow, loanQuery, loanReviewUpdate, loanWorkflowId, metisSearchAttributes, taskQueueName } from '@metis/workflows';
import type { LoanPolicy, LoanReview, LoanReviewBrief, LoanView } from '@metis/workflows';
import type { Kysely } from 'kysely';
import { MetisError } from '@metis/activities/errors';
import { InvalidArgumentError, LoanNotFoundError, RequestRefusedError } from '../errors.ts';
import { explainUpdateFailure, isNotFound, orNotFound, QUERY_TIMEOUT_MS, queryWithin, workflowStatus } from './failures.ts';
import type { TenantPriority } from './fairness.ts';

/** Statuses a loan application can have, as `loan_applications` stores them. */
export const LOAN_STATUSES = ['processing', 'approved', 'rejected', 'manual_review', 'disbursed', 'failed'] as const satisfies readonly LoanStatus[];

/** How many applications `list` returns by default, and at most. */
export const LOAN_LIST_LIMITS = { default: 100, max: 500 } as const;

/** One loan application as `list` shows it. */
export interface LoanSummary {
  /** Application id. */
  readonly applicationId: string;
  /** Applicant id. */
  readonly applicantId: string;
  /** Amount applied for. */
  readonly amount: number;
  /** Where the application stands. */
  readonly status: LoanStatus;
  /** When it was received (ISO 8601). */
  readonly createdAt: string;
  /** When it was decided (ISO 8601), or null while undecided. */
  readonly decidedAt: string | null;
}

/** A loan waiting for an underwriter, with its brief once written. */
export interface LoanReviewSummary extends LoanSummary {
  /** The stored underwriter brief, or null while it is written (or when the worker has no LLM). */
  readonly brief: StoredReviewBrief | null;
}

/** A tenant's loans. */
export interface TenantLoans {
  /** List the tenant's applications, newest first: `limit` defaults to 100 and is capped at 500. */
  list(filter?: { status?: LoanStatus; limit?: number }): Promise<LoanSummary[]>;
  /** Start processing an application (idempotent by application id); resolve once it is accepted. */
  apply(application: LoanApplication): Promise<{ applicationId: string; workflowId: string; started: boolean }>;
  /** Return where an application stands. */
  get(applicationId: string, options?: { timeoutMs?: number }): Promise<LoanView>;
  /** Wait for the decision (the final one, or the rules' `manual_review` proposal once the application waits for a reviewer), pushed by the workflow; `pollMs` paces `onProgress`, and the loan query where a worker predates the push. */
  waitForDecision(applicationId: string, options?: { timeoutMs?: number; pollMs?: number; onProgress?: (view: LoanView) => void }): Promise<StoredDecision>;
  /** Record an underwriter's verdict on an application waiting for manual review. */
  review(applicationId: string, review: LoanReview): Promise<LoanView>;
  /** Return the underwriter's brief of a loan in (or past) manual review, with the tokens written so far while pending; undefined when it has none. */
  brief(applicationId: string): Promise<(LoanReviewBrief & { readonly progress?: LlmProgress }) | undefined>;
  /** List the applications waiting for manual review, newest first, with their stored briefs: database reads only, no workflow is asked. */
  reviews(options?: { limit?: number }): Promise<LoanReviewSummary[]>;
}

/** Create the loans API of one tenant. */
export function tenantLoans(client: Client, db: Kysely<MetisDatabase>, tenantId: string, policy: LoanPolicy | undefined, prefix: string | undefined, priority: TenantPriority): TenantLoans {
  const handle = (applicationId: string) => client.workflow.getHandle(loanWorkflowId(tenantId, applicationId));
  const get = (applicationId: string, options: { timeoutMs?: number } = {}): Promise<LoanView> => {
    const workflowId = loanWorkflowId(tenantId, applicationId);
    return orNotFound(
      queryWithin(client, workflowId, options.timeoutMs ?? QUERY_TIMEOUT_MS, () => handle(applicationId).query(loanQuery)),
      () => new LoanNotFoundError(workflowId),
    );
  };
  const list: TenantLoans['list'] = async (filter = {}) => {
    const { status } = filter;
    if (status !== undefined && !(LOAN_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidArgumentError('INVALID_LOAN_FILTER', `unknown loan status ${JSON.stringify(String(status).slice(0, 64))}`, `Use one of ${LOAN_STATUSES.join(', ')}`);
    }
    const limit = filter.limit ?? LOAN_LIST_LIMITS.default;
    if (!Number.isInteger(limit) || limit < 1) throw new InvalidArgumentError('INVALID_LOAN_FILTER', `limit must be a positive whole number, got ${String(limit)}`);
    const rows = await withTenant(db, tenantId, (trx) => {
      let query = trx.selectFrom('loan_applications').select(['application_id', 'applicant_id', 'amount', 'status', 'created_at', 'decided_at']);
      if (status !== undefined) query = query.where('status', '=', status);
      return query.orderBy('created_at', 'desc').orderBy('application_id', 'desc').limit(Math.min(limit, LOAN_LIST_LIMITS.max)).execute();
    });
    return rows.map((r) => ({
      applicationId: r.application_id,
      applicantId: r.applicant_id,
      amount: Number(r.amount),
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
      decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    }));
  };
  return {
    list,
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
          priority: priority('default'),
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
      const timeoutMs = options.timeoutMs ?? 60_000;
      const pollMs = options.pollMs ?? 250;
      const timedOut = (): MetisError => new MetisError('LOAN_DECISION_TIMEOUT', `no decision for ${applicationId} within ${timeoutMs} ms`);
      // The decision comes from an Update that returns once the workflow has it. The Update is told
      // the timeout and gives up just after it; cancelling the call on timeout stops the client's
      // long poll at once. A worker without the Update (older than this client) is asked its query
      // every pollMs instead, as before the Update existed.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      const progress = options.onProgress ? watchProgress(get, applicationId, options.onProgress, pollMs, abort.signal) : undefined;
      const call = client.withAbortSignal(abort.signal, () => handle(applicationId).executeUpdate(loanDecisionUpdate, { args: [{ timeoutMs }] }));
      // The abort cancels the RPC, but not the client's retries of a refused one (RESOURCE_EXHAUSTED
      // when the workflow has its limit of Updates in flight, retried for about half a minute): the
      // timeout does not wait for them.
      const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
      call.catch(() => undefined);
      aborted.catch(() => undefined);
      const decision = await Promise.race([call, aborted])
        .catch(async (error: unknown) => {
          const failure = updateFailure(error);
          if (abort.signal.aborted || failure?.type === LOAN_DECISION_PENDING) throw timedOut();
          if (failure?.type === 'LoanProcessingFailed') throw new MetisError('LOAN_FAILED', failure.message);
          if (isUnknownUpdate(error)) return pollDecision(get, applicationId, pollMs, abort.signal, timedOut);
          if (!isNotFound(error)) throw explainUpdateFailure(error);
          // A closed workflow takes no Updates (and an unknown one has none to take): ask its query.
          return closedDecision(applicationId, await get(applicationId));
        })
        .finally(() => {
          clearTimeout(timer);
          abort.abort();
          return progress; // the progress watcher stops with the call, before this returns or throws
        });
      const failed = await progress;
      if (failed) throw failed.error;
      const final = options.onProgress ? await get(applicationId).catch(() => undefined) : undefined;
      if (final) options.onProgress?.(final);
      return decision;
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
    async reviews(options = {}) {
      const waiting = await list({ status: 'manual_review', ...(options.limit !== undefined ? { limit: options.limit } : {}) });
      const briefs = await loadReviewBriefs(db, tenantId, waiting.map((loan) => loan.applicationId));
      return waiting.map((loan) => ({ ...loan, brief: briefs.get(loan.applicationId) ?? null }));
    },
    async brief(applicationId) {
      const { brief } = await get(applicationId);
      if (brief?.status !== 'pending') return brief;
      // While it is written, the AI pool's activity heartbeats its progress; the workflow only knows it is pending.
      const described = await handle(applicationId).describe().catch(() => undefined);
      const activity = described?.raw.pendingActivities?.find((a) => a.activityType?.name === 'writeReviewBrief');
      const progress = await decodeProgress(client, activity?.heartbeatDetails?.payloads);
      return progress ? { ...brief, progress } : brief;
    },
  };
}

/** Decode the first heartbeat detail of a brief's activity (`{ tokens, phase }`) with the client's data converter; undefined when there is none. */
async function decodeProgress(client: Client, payloads: Payload[] | null | undefined): Promise<LlmProgress | undefined> {
  if (!payloads?.length) return undefined;
  const converter = client.workflow.options.loadedDataConverter;
  let decoded = payloads;
  for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  const first = decoded[0] ? converter.payloadConverter.fromPayload<Partial<LlmProgress>>(decoded[0]) : undefined;
  return typeof first?.tokens === 'number' && (first.phase === 'queued' || first.phase === 'generating') ? { tokens: first.tokens, phase: first.phase } : undefined;
}

/** The ApplicationFailure that failed an Update, if that is what `error` is. */
function updateFailure(error: unknown): ApplicationFailure | undefined {
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure ? error.cause : undefined;
}

/**
 * Tell whether an Update was rejected because the workflow has no handler for it: what a worker
 * older than the Update answers. The TypeScript SDK's workflow runtime rejects it with
 * `ApplicationFailure.nonRetryable('No registered handler for update: <name>')` (type `Error`).
 */
function isUnknownUpdate(error: unknown): boolean {
  return /^No registered handler for update\b/.test(updateFailure(error)?.message ?? '');
}

/** Ask the loan query every `pollMs` until there is a decision (as {@link decisionSoFar} reads it) or `stop` aborts (then throw `timedOut()`). */
async function pollDecision(get: (applicationId: string) => Promise<LoanView>, applicationId: string, pollMs: number, stop: AbortSignal, timedOut: () => Error): Promise<StoredDecision> {
  for (;;) {
    const decision = decisionSoFar(applicationId, await get(applicationId));
    if (decision) return decision;
    if (stop.aborted) throw timedOut();
    await pause(pollMs, stop);
  }
}

/** Resolve after `ms`, or at once when `stop` aborts. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (stop.aborted) return resolve();
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Return a loan's decision from its view (the rules' proposal while a review is pending), undefined while there is none; throw `LOAN_FAILED` for a failed loan. */
function decisionSoFar(applicationId: string, view: LoanView): StoredDecision | undefined {
  if (view.decision) return view.decision;
  if (view.stage === 'review' && view.proposed) return view.proposed;
  if (view.stage === 'failed') throw new MetisError('LOAN_FAILED', `loan ${applicationId} failed: ${view.error ?? 'unknown error'}`);
  return undefined;
}

/** Read the decision of a loan workflow that has closed, from its final view. */
function closedDecision(applicationId: string, view: LoanView): StoredDecision {
  const decision = decisionSoFar(applicationId, view);
  if (decision) return decision;
  throw new MetisError('LOAN_FAILED', `loan ${applicationId} closed without a decision (stage ${view.stage}): ${view.error ?? 'unknown error'}`);
}

/** Report each new stage of a loan to `onProgress` until `stop` aborts; resolve once stopped, with what `onProgress` threw if it did. */
async function watchProgress(get: (applicationId: string) => Promise<LoanView>, applicationId: string, onProgress: (view: LoanView) => void, pollMs: number, stop: AbortSignal): Promise<{ error: unknown } | undefined> {
  let lastStage = '';
  while (!stop.aborted) {
    const view = await get(applicationId).catch(() => undefined);
    if (stop.aborted) return undefined;
    if (view && view.stage !== lastStage) {
      lastStage = view.stage;
      try {
        onProgress(view);
      } catch (error) {
        return { error };
      }
    }
    await pause(pollMs, stop);
  }
  return undefined;
}
