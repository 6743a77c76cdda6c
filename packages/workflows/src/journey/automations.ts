import { ApplicationFailure, ChildWorkflowCancellationType, executeChild, ParentClosePolicy, proxyActivities } from '@temporalio/workflow';
import type { DocumentVerificationActivities } from '@metis/activities/documents';
import type { AutomationInput, JourneyActivities, JsonRecord } from '@metis/activities/journeys';
import type { EmploymentType, LoanApplication } from '@metis/activities/loans';
import { BUILT_IN_AUTOMATIONS, isPlainObject } from '@metis/fsm';
import type { JsonObject, JsonValue, StateAutomation } from '@metis/fsm';
import { automationActivity, STORAGE_ACTIVITY } from '../presets.ts';
import { metisSearchAttributes } from '../search-attributes.ts';
import { onPool } from '../priorities.ts';
import { loanWorkflowId } from '../loan/definitions.ts';
import type { LoanPolicy, LoanView } from '../loan/definitions.ts';
import { loanProcessingWorkflow } from '../loan/loan-workflow.ts';

/** Employment types a loan application carries; others are recorded as `other`. */
const EMPLOYMENT_TYPES: readonly EmploymentType[] = ['salaried', 'self_employed', 'government', 'student', 'retired', 'other'];

/** Error type of a built-in automation that cannot run with what the journey was given. */
export const AUTOMATION_INPUT_INVALID = 'AutomationInputInvalid';

/** What a journey passes to the automation of its current state. */
export interface AutomationRun {
  readonly input: AutomationInput;
  readonly automation: StateAutomation | null;
  readonly timeoutMs: number | null;
  readonly prefix: string | undefined;
  readonly loanPolicy: LoanPolicy | undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const pick = (data: JsonRecord, names: readonly string[]): unknown => names.map((n) => data[n]).find((v) => v !== undefined && v !== null);

function invalid(message: string): never {
  throw ApplicationFailure.create({ type: AUTOMATION_INPUT_INVALID, message, nonRetryable: true });
}

/**
 * Build the loan application of a loan journey from its data. Field names may be mapped with the
 * automation's `fields` param (e.g. `{ "name": "full_name" }`); the defaults are the sample loan
 * journey's names.
 */
export function loanApplicationFromJourney(applicantId: string, data: JsonRecord, params: JsonObject, kycStatus: string): LoanApplication {
  const mapped = (params['fields'] ?? {}) as Record<string, JsonValue>;
  const field = (key: string, ...defaults: string[]): unknown => pick(data, typeof mapped[key] === 'string' ? [mapped[key]] : defaults);
  const amount = num(field('amount', 'loan_amount'));
  const tenureMonths = num(field('tenure_months', 'tenure_months'));
  const monthlyIncome = num(field('monthly_income', 'monthly_income'));
  const name = text(field('name', 'name', 'full_name'));
  const pan = text(field('pan', 'pan_number', 'pan'));
  const dateOfBirth = text(field('date_of_birth', 'date_of_birth', 'dob'));
  const missing = Object.entries({ amount, tenureMonths, monthlyIncome, name, pan, dateOfBirth }).filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length > 0 || amount === undefined || tenureMonths === undefined || monthlyIncome === undefined || !name || !pan || !dateOfBirth) {
    invalid(`the loan journey's data lacks ${missing.join(', ')} for underwriting`);
  }
  const employment = text(field('employment_type', 'employment_type'));
  const phone = text(field('phone', 'phone', 'mobile'));
  const email = text(field('email', 'email'));
  const purpose = text(field('purpose', 'purpose'));
  const existingMonthlyEmi = num(field('existing_emis', 'existing_emis'));
  const employmentYears = num(field('employment_years', 'employment_years'));
  const documents = Object.values(data).flatMap((v) => {
    const id = isPlainObject(v) ? v['document_id'] : undefined;
    const kind = isPlainObject(v) ? v['kind'] : undefined;
    return typeof id === 'string' ? [{ kind: typeof kind === 'string' ? kind : 'other', documentId: id }] : [];
  });
  return {
    applicationId: text(data['application_id']) ?? `journey-${applicantId}`,
    applicant: {
      applicantId,
      name,
      pan: pan.toUpperCase(),
      dateOfBirth,
      monthlyIncome,
      ...(employment ? { employmentType: (EMPLOYMENT_TYPES as readonly string[]).includes(employment) ? (employment as EmploymentType) : 'other' } : {}),
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
      ...(existingMonthlyEmi !== undefined ? { existingMonthlyEmi } : {}),
      ...(employmentYears !== undefined ? { employmentYears } : {}),
    },
    amount,
    tenureMonths,
    ...(purpose ? { purpose } : {}),
    kycStatus,
    ...(documents.length > 0 ? { documents } : {}),
  };
}

/** The journey result of a finished loan: what the underwriting state's guards read. */
export function underwritingResult(loan: LoanView): JsonObject {
  const decision = loan.decision;
  return {
    application_id: loan.applicationId,
    outcome: decision?.outcome ?? 'manual_review',
    decided_by: decision?.decidedBy ?? null,
    reasons: [...(decision?.reasons ?? [])],
    conditions: [...(decision?.conditions ?? [])],
    approved_amount: decision?.approvedAmount ?? null,
    disbursed: loan.steps.some((s) => s.step === 'disbursement'),
    risk_score: loan.risk?.riskScore ?? null,
    model_version: loan.risk?.modelVersion ?? null,
    bureau_score: loan.credit?.score ?? null,
  };
}

/** Run the automation of an automated state: a built-in one, or the worker's by name. */
export async function runStateAutomation(run: AutomationRun): Promise<JsonObject> {
  const { input, automation } = run;
  const options = automationActivity(run.timeoutMs);
  if (automation?.name === BUILT_IN_AUTOMATIONS.verifyDocuments) {
    const ai = proxyActivities<DocumentVerificationActivities>({ ...options, ...onPool('ai', run.prefix) });
    return (await ai.verifyJourneyDocuments({ ...input, params: automation.params })) as JsonObject;
  }
  if (automation?.name === BUILT_IN_AUTOMATIONS.underwriteLoan) {
    if (!run.loanPolicy) invalid(`tenant ${input.tenantId} has no loan policy: add loanPolicy to its definition to underwrite loans in a journey`);
    // A regular activity, not a local one: the step's audit write (a local activity) may still be
    // in flight, and two local activities resolving together would reorder commands on replay.
    const storage = proxyActivities<JourneyActivities>({ ...STORAGE_ACTIVITY, ...onPool('default', run.prefix) });
    const kycStatus = await storage.readJourneyStatus({ tenantId: input.tenantId, journeyType: 'kyc', applicantId: input.applicantId });
    const application = loanApplicationFromJourney(input.applicantId, input.data, automation.params, kycStatus);
    const loan = await executeChild(loanProcessingWorkflow, {
      workflowId: loanWorkflowId(input.tenantId, application.applicationId),
      // The default pool's priority key; the server gives the child the journey's fairness key and weight.
      ...onPool('default', run.prefix),
      args: [{ tenantId: input.tenantId, application, policy: run.loanPolicy }],
      typedSearchAttributes: metisSearchAttributes(input.tenantId, 'loan', 'received'),
      // A loan is decided once: a failed one may be retried by the journey, a decided one is not
      // started again. When the state times out (or the journey ends) the loan carries on by
      // itself; its review and decision are not cut short.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return underwritingResult(loan);
  }
  const interactive = proxyActivities<JourneyActivities>({ ...options, ...onPool('interactive', run.prefix) });
  return (await interactive.runJourneyAutomation({ ...input, ...(automation ? { automation } : {}) })) as JsonObject;
}
