import { ActivityFailure, ApplicationFailure, condition, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CreditSummary, DeadLetterActivities, DocumentCheck, LoanActivities, RiskAssessment, StoredDecision } from '@metis/activities/loans';
import type { ReviewBriefActivities } from '@metis/activities/llm';
import type { NotificationActivities } from '@metis/activities/notify';
import { decide, parseDuration } from '@metis/fsm';
import { PROVIDER_ACTIVITY, STORAGE_ACTIVITY, AI_ACTIVITY, REVIEW_BRIEF_ACTIVITY } from '../presets.ts';
import { MetisOutcome, metisSearchAttributes } from '../search-attributes.ts';
import { taskQueuePrefix } from '../task-queues.ts';
import { onPool } from '../priorities.ts';
import { LOAN_DECISION_PENDING, loanDecisionUpdate, loanDecisionWaitMs, loanQuery, loanReviewUpdate } from './definitions.ts';
import type { LoanReview, LoanReviewBrief, LoanStage, LoanStepRecord, LoanView, LoanWorkflowInput } from './definitions.ts';
import { createSaga } from './saga.ts';

/** Error types of a risk model that cannot score (none registered, unusable, inputs refused): the loan goes to review. */
const RISK_UNAVAILABLE: readonly string[] = ['RISK_MODEL_NOT_FOUND', 'RISK_MODEL_INVALID', 'RISK_INPUT_INVALID', 'NATIVE_MODULE_MISSING'];

/** How long a decided loan waits for a brief still being written. */
const BRIEF_GRACE_MS = 60_000;

/** Default high-value threshold: ₹10,00,000. */
export const DEFAULT_HIGH_VALUE_THRESHOLD = 1_000_000;
const DEFAULT_REVIEW_TIMEOUT_MS = 7 * 24 * 3600 * 1000;

function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Monthly instalment of a loan at an annual rate over a number of months. */
export function monthlyInstalment(amount: number, annualRate: number, months: number): number {
  const r = annualRate / 12;
  if (r === 0) return amount / months;
  const f = (1 + r) ** months;
  return (amount * r * f) / (f - 1);
}

/** Process a loan application: documents, bureau, risk, decision, review, payout and notification, exactly once each. */
export async function loanProcessingWorkflow(input: LoanWorkflowInput): Promise<LoanView> {
  const info = workflowInfo();
  const prefix = taskQueuePrefix(info.taskQueue);
  const records = proxyActivities<LoanActivities & DeadLetterActivities>({ ...STORAGE_ACTIVITY, ...onPool('default', prefix) });
  const providers = proxyActivities<LoanActivities & NotificationActivities>({
    ...PROVIDER_ACTIVITY,
    retry: { ...PROVIDER_ACTIVITY.retry, ...input.policy.providerRetry, nonRetryableErrorTypes: ['NotConfigured', 'BureauUnavailable', 'BureauConfigInvalid', 'DisbursementRefused', 'InvalidApplicant'] },
    ...onPool('default', prefix),
  });
  const ai = proxyActivities<LoanActivities>({ ...AI_ACTIVITY, ...onPool('ai', prefix) });

  const { tenantId, application, policy } = input;
  const threshold = policy.highValueThreshold ?? DEFAULT_HIGH_VALUE_THRESHOLD;
  const highValue = application.amount > threshold;
  let stage: LoanStage = 'received';
  const steps: LoanStepRecord[] = [];
  let documents: DocumentCheck | null = null;
  let credit: CreditSummary | null = null;
  let risk: RiskAssessment | null = null;
  let proposed: StoredDecision | null = null;
  let decision: StoredDecision | null = null;
  let review: LoanReview | undefined;
  let error: string | null = null;
  let brief: LoanReviewBrief | undefined;

  const view = (): LoanView => ({ tenantId, applicationId: application.applicationId, stage, highValue, steps: [...steps], documents, credit, risk, proposed, decision, error, ...(brief ? { brief } : {}) });
  // The live stage is in the query; search attributes (a visibility write each) change only at the
  // states operators filter on: waiting for review, and the end.
  const VISIBLE: readonly LoanStage[] = ['review', 'done', 'failed'];
  const enter = (next: LoanStage): void => {
    stage = next;
    if (!VISIBLE.includes(next)) return;
    upsertSearchAttributes([...metisSearchAttributes(tenantId, 'loan', next), ...(decision ? [{ key: MetisOutcome, value: decision.outcome }] : [])]);
  };
  setHandler(loanQuery, view);
  // Pushes the decision to a waiting client as soon as it exists. A wait with a timeout also gives
  // up a little after its caller (a timer, so commands only in executions that get such an Update;
  // the recorded histories have none); one without waits as long as it takes (no commands).
  setHandler(loanDecisionUpdate, async (wait) => {
    const settled = (): boolean => decision !== null || (stage === 'review' && proposed !== null) || stage === 'failed';
    const waitMs = loanDecisionWaitMs(wait);
    if (waitMs === undefined) await condition(settled);
    else if (!settled()) await condition(settled, waitMs);
    if (decision) return decision;
    if (stage === 'review' && proposed) return proposed;
    if (stage !== 'failed') throw ApplicationFailure.create({ type: LOAN_DECISION_PENDING, message: `no decision for ${application.applicationId} within ${waitMs} ms (stage ${stage})`, nonRetryable: true });
    throw ApplicationFailure.create({ type: 'LoanProcessingFailed', message: `loan ${application.applicationId} failed: ${error ?? 'unknown error'}`, nonRetryable: true });
  });
  setHandler(
    loanReviewUpdate,
    async (verdict) => {
      review = verdict;
      await condition(() => decision !== null);
      return view();
    },
    {
      validator: (verdict: LoanReview) => {
        if (stage !== 'review' || review) throw ApplicationFailure.create({ type: 'NoReviewPending', message: `application ${application.applicationId} is not waiting for a review`, nonRetryable: true });
        if (verdict.outcome !== 'approve' && verdict.outcome !== 'reject') throw ApplicationFailure.create({ type: 'InvalidReview', message: 'outcome must be approve or reject', nonRetryable: true });
        if (!verdict.reviewer || !verdict.reason) throw ApplicationFailure.create({ type: 'InvalidReview', message: 'a review needs a reviewer and a reason', nonRetryable: true });
        if (verdict.approvedAmount !== undefined && !(verdict.approvedAmount > 0 && verdict.approvedAmount <= application.amount)) {
          throw ApplicationFailure.create({ type: 'InvalidReview', message: 'approvedAmount must be positive and at most the amount requested', nonRetryable: true });
        }
      },
    },
  );

  const briefs = proxyActivities<ReviewBriefActivities>({ ...REVIEW_BRIEF_ACTIVITY, ...onPool('ai', prefix) });
  const briefStore = proxyActivities<ReviewBriefActivities>({ ...STORAGE_ACTIVITY, ...onPool('default', prefix) });
  const writeBrief = async (sources: Parameters<ReviewBriefActivities['writeReviewBrief']>[0]): Promise<void> => {
    brief = { status: 'pending' };
    try {
      const written = await briefs.writeReviewBrief(sources);
      if (written.status === 'unavailable') {
        brief = written;
        return;
      }
      brief = { status: 'completed', brief: await briefStore.storeReviewBrief({ tenantId, applicationId: application.applicationId, workflowId: info.workflowId, result: written.result }) };
    } catch (e) {
      brief = { status: 'failed', error: failureMessage(e) };
    }
  };

  const saga = createSaga();
  const step = { tenantId, application };
  try {
    enter('received');
    await records.recordLoanApplication({ ...step, workflowId: info.workflowId });
    steps.push({ step: 'received', detail: `₹${application.amount} over ${application.tenureMonths} months${highValue ? ' (high value)' : ''}` });

    const checkDocuments = async (): Promise<void> => {
      documents = await ai.verifyLoanDocuments(step);
      steps.push({ step: 'documents', detail: documents.verified ? 'verified' : `issues: ${documents.issues.join('; ')}` });
    };
    let bureauDown = null as string | null;
    const pullBureau = async (): Promise<void> => {
      try {
        credit = await providers.pullCreditSummary(step);
        steps.push({ step: 'bureau', detail: `score ${credit.score} from ${credit.provider}` });
      } catch (e) {
        if (failureType(e) !== 'BureauUnavailable') throw e;
        bureauDown = failureMessage(e);
        steps.push({ step: 'bureau', detail: `unavailable: ${bureauDown}` });
      }
    };
    if (policy.mode === 'parallel') {
      enter('documents');
      await Promise.all([checkDocuments(), pullBureau()]);
    } else {
      enter('documents');
      await checkDocuments();
      enter('bureau');
      await pullBureau();
    }
    enter('risk');
    // A tenant without a usable model is decided by a person, as when the bureau is down.
    let riskDown = null as string | null;
    try {
      risk = await ai.assessRisk({ ...step, credit });
      steps.push({ step: 'risk', detail: `${risk.riskCategory} (${risk.riskScore.toFixed(3)}, model ${risk.modelVersion})` });
    } catch (e) {
      // Histories from before this path failed the loan here; they replay unpatched.
      if (!RISK_UNAVAILABLE.includes(failureType(e) ?? '') || !patched('metis-risk-unavailable')) throw e;
      riskDown = failureMessage(e);
      steps.push({ step: 'risk', detail: `unavailable: ${riskDown}` });
    }
    // Assigned in the try above; read it back with its declared type.
    const scored: RiskAssessment | null = risk;

    enter('decision');
    // Assigned inside the step closures above, so read them back with their declared types.
    const docs = documents as DocumentCheck | null;
    const bureau = credit as CreditSummary | null;
    const emi = monthlyInstalment(application.amount, policy.annualRate ?? 0.14, application.tenureMonths);
    const facts = {
      kyc: { status: application.kycStatus ?? 'unknown' },
      loan: { amount: application.amount, tenure_months: application.tenureMonths, purpose: application.purpose ?? null },
      applicant: {
        monthly_income: application.applicant.monthlyIncome,
        employment_type: application.applicant.employmentType ?? 'other',
        emi_to_income: application.applicant.monthlyIncome > 0 ? emi / application.applicant.monthlyIncome : 1,
      },
      documents: { verified: docs?.verified ?? false },
      ...(bureau ? { bureau: { score: bureau.score, history_months: bureau.historyMonths, max_dpd: bureau.maxDaysPastDue, enquiries_6m: bureau.enquiriesLast6Months } } : {}),
    };
    const verdict = decide(policy.ruleSet, facts, scored ? { modelScore: scored.riskScore } : {});
    const reasons = [...verdict.reasons];
    let outcome = verdict.outcome;
    if (bureauDown) reasons.push(`Credit bureau unavailable (${bureauDown}) → manual_review`);
    if (riskDown) reasons.push(`Risk model unavailable (${riskDown}) → manual_review`);
    if (outcome !== 'reject' && docs && !docs.verified) reasons.push('Documents not verified → manual_review');
    if (outcome !== 'reject' && highValue) reasons.push(`Amount ₹${application.amount} above the high-value threshold ₹${threshold} → manual_review`);
    // Without a credit report nothing can be decided automatically (a model score without bureau
    // data proves nothing); otherwise a rules rejection stands and other flags ask for review.
    if (bureauDown || (outcome !== 'reject' && (riskDown || highValue || !docs?.verified))) outcome = 'manual_review';
    const riskRecord = scored ? { risk: { riskScore: scored.riskScore, riskCategory: scored.riskCategory, modelVersion: scored.modelVersion, contributingFactors: scored.contributingFactors } } : {};
    proposed = {
      outcome,
      confidence: verdict.confidence,
      reasons,
      conditions: [...verdict.conditions],
      ...(verdict.cappedAmount != null ? { approvedAmount: verdict.cappedAmount } : {}),
      decidedBy: 'rules',
      ...riskRecord,
    };
    steps.push({ step: 'decision', detail: `rules propose ${outcome}` });

    let final: StoredDecision = proposed;
    let briefDone: Promise<void> | undefined;
    if (outcome === 'manual_review') {
      enter('review');
      // The underwriter's brief is written on the AI pool while the review waits; it never blocks
      // the review nor fails the loan. Histories recorded before it have no marker and replay without it.
      if (patched('metis-review-brief')) briefDone = writeBrief({ tenantId, applicationId: application.applicationId, facts, credit: bureau, risk, reasons: [...reasons] });
      await records.setLoanStatus({ tenantId, applicationId: application.applicationId, status: 'manual_review', reasons });
      const timeoutMs = typeof policy.reviewTimeout === 'number' ? policy.reviewTimeout : policy.reviewTimeout ? parseDuration(policy.reviewTimeout) : DEFAULT_REVIEW_TIMEOUT_MS;
      const reviewed = await condition(() => review !== undefined, timeoutMs);
      if (reviewed && review) {
        const r: LoanReview = review;
        final = {
          outcome: r.outcome,
          confidence: 1,
          reasons: [...reasons, `Manual review by ${r.reviewer}: ${r.reason} → ${r.outcome}`],
          conditions: proposed.conditions,
          ...(r.approvedAmount !== undefined ? { approvedAmount: r.approvedAmount } : proposed.approvedAmount !== undefined ? { approvedAmount: proposed.approvedAmount } : {}),
          decidedBy: r.reviewer,
          ...riskRecord,
        };
        steps.push({ step: 'review', detail: `${r.reviewer}: ${r.outcome}` });
      } else {
        steps.push({ step: 'review', detail: 'no reviewer decided in time; left in manual review' });
      }
    }
    const stored = await records.recordLoanDecision({ tenantId, applicationId: application.applicationId, decision: final });
    decision = stored.decision;
    enter('decision');

    if (decision.outcome === 'approve' && policy.disburse !== false) {
      enter('disbursement');
      const amount = decision.approvedAmount ?? application.amount;
      const { accountId } = await records.openLoanAccount({ tenantId, applicationId: application.applicationId, amount });
      saga.add('close loan account', () => records.closeLoanAccount({ tenantId, accountId }));
      const { transferId } = await providers.disburseLoan({ tenantId, applicationId: application.applicationId, accountId, amount });
      saga.add('reverse disbursement', () => records.reverseDisbursement({ tenantId, accountId, transferId }));
      await records.setLoanStatus({ tenantId, applicationId: application.applicationId, status: 'disbursed' });
      steps.push({ step: 'disbursement', detail: `₹${amount} to ${accountId} (${transferId})` });
    }

    enter('notification');
    const payload = { applicationId: application.applicationId, outcome: decision.outcome, reasons: [...decision.reasons], conditions: [...decision.conditions], approvedAmount: decision.approvedAmount ?? null };
    if (policy.webhook !== false) {
      await providers.deliverNotification({ tenantId, idempotencyKey: `loan:${application.applicationId}:decision:webhook`, channel: 'webhook', recipient: 'loan.decided', template: 'loan-decision', payload });
    }
    if (policy.sms && application.applicant.phone) {
      await providers.deliverNotification({ tenantId, idempotencyKey: `loan:${application.applicationId}:decision:sms`, channel: 'sms', recipient: application.applicant.phone, template: 'loan-decision', payload: { outcome: decision.outcome } });
    }
    steps.push({ step: 'notification', detail: 'sent' });
    enter('done');
    // A brief still being written is awaited (bounded by its activity's timeouts), so it is stored even after the decision.
    // A brief still being written gets a short grace (its activity stores it); the decision is made
    // and a journey may be waiting on this loan, so an AI pool that is slow or down never holds it.
    if (briefDone && brief?.status === 'pending') await condition(() => brief?.status !== 'pending', BRIEF_GRACE_MS);
    return view();
  } catch (e) {
    error = failureMessage(e);
    const failedCompensations = await saga.compensate();
    if (decision) await records.setLoanStatus({ tenantId, applicationId: application.applicationId, status: 'failed' });
    const { deadLetterId } = await records.recordDeadLetter({
      tenantId,
      workflowId: info.workflowId,
      workflowType: info.workflowType,
      runId: info.runId,
      taskQueue: info.taskQueue,
      input: { ...input },
      error: { message: error, ...(failureType(e) ? { type: failureType(e) } : {}) },
      attempts: info.attempt,
    });
    enter('failed');
    throw ApplicationFailure.create({
      type: 'LoanProcessingFailed',
      message: `loan ${application.applicationId} failed: ${error}${failedCompensations.length ? `; compensations that failed: ${failedCompensations.join(', ')}` : ''} (dead letter ${deadLetterId})`,
      nonRetryable: true,
      details: [{ deadLetterId, failedCompensations }],
    });
  }
}
