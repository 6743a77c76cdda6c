// The sample tenants' loan journey on real workers: the applicant applies and uploads a generated
// bank statement, the automated `underwriting` state (metis.underwrite_loan) runs loan processing
// as a child workflow — the statement read by OCR and cross-checked with the typed name, the bureau
// simulators, the tenant's registered ONNX risk model, its rules, a manual review, the payout — and
// the journey moves on the loan's decision.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerRiskModel, riskLatestKey } from '@metis/activities/risk';
import { createMinioObjectStore, createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';
import type { JsonObject } from '@metis/fsm';
import { journeyWorkflowId, loanWorkflowId } from '@metis/workflows';
import type { journeyWorkflow } from '@metis/workflows';
import { createMetis } from '@metis/sdk';
import type { JourneyView, LoanPolicy, Metis, TenantDefinition } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { generateDocument, testConfig, trainRiskModel, uniqueId, uniqueTenantId, waitFor } from '@metis/testing';
import type { BankStatementTruth, GeneratedDocument } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testPolicy } from './support/loan-services.ts';
import type { LoanWorld } from './support/loan-services.ts';
import { assertReplays } from './support/replay-check.ts';
import { assertNoClearPii } from './support/raw-history.ts';

const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('loanjourney') } });
// A tenant of this run with Acme's journeys and rules and a risk model of its own: other tests move
// the sample tenants' `latest` model pointer.
const acme = uniqueTenantId('acme-lj');
const modelVersion = uniqueId('lj-model');
const store = createMinioObjectStore(config.objectStore);
const acmeLike = (loanPolicy?: LoanPolicy): TenantDefinition => ({ tenantId: acme, displayName: 'Acme Finance (loan journey test)', journeys: sampleTenants.acme.journeys, ...(loanPolicy ? { loanPolicy } : {}) });
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
let world: LoanWorld;
let workers: MetisWorkers;
let metis: Metis;
let statement: GeneratedDocument;
let holder: string;

/** The applicant's KYC as the KYC journey leaves it when completed (the KYC journey itself is tested elsewhere). */
async function kycDone(tenantId: string, applicantId: string): Promise<void> {
  await withTenant(db, tenantId, (trx) =>
    trx
      .insertInto('journeys')
      .values({ tenant_id: tenantId, journey_id: `kyc:${applicantId}`, journey_type: 'kyc', applicant_id: applicantId, workflow_id: journeyWorkflowId(tenantId, 'kyc', applicantId), config_version: 'test', state: 'completed', status: 'done', last_seq: 3 })
      .execute(),
  );
}

/** Walk the applicant through application and documents, into underwriting. */
async function apply(metisClient: Metis, tenantId: string, applicantId: string, loan: { amount: number; tenureMonths: number; monthlyIncome: number; pan: string }): Promise<void> {
  const journeys = metisClient.tenant(tenantId).journeys;
  const application: JsonObject = {
    name: holder.toLowerCase(),
    pan_number: loan.pan,
    date_of_birth: '1990-04-01',
    phone: '9876543210',
    loan_amount: loan.amount,
    tenure_months: loan.tenureMonths,
    purpose: 'home improvement',
    monthly_income: loan.monthlyIncome,
    existing_emis: 5_000,
    employment_type: 'salaried',
    employment_years: 6,
    accept_terms: true,
  };
  await journeys.submit(applicantId, 'loan', 'application', application);
  const moved = await journeys.submit(applicantId, 'loan', 'documents', {}, {
    documents: { bank_statement: { kind: 'bank-statements', body: statement.bytes, contentType: statement.mimeType, metadata: { width: statement.width, height: statement.height } } },
  });
  assert.equal(moved.to, 'underwriting');
}

/** The finished journey's view, from its result (not a query: a query of a closed workflow replays its history). */
async function finished(tenantId: string, applicantId: string): Promise<JourneyView> {
  const result = metis.temporal.workflow.getHandle<typeof journeyWorkflow>(journeyWorkflowId(tenantId, 'loan', applicantId)).result();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the loan journey of ${applicantId} did not finish in 90 s`)), 90_000)));
  try {
    return await Promise.race([result, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function transitions(tenantId: string, applicantId: string) {
  return withTenant(db, tenantId, (trx) =>
    trx.selectFrom('journey_transitions').select(['seq', 'from_state', 'to_state', 'actor']).where('journey_id', '=', `loan:${applicantId}`).orderBy('seq').execute(),
  );
}

async function loanRows(tenantId: string, applicationId: string) {
  return withTenant(db, tenantId, async (trx) => ({
    apps: await trx.selectFrom('loan_applications').selectAll().where('application_id', '=', applicationId).execute(),
    events: (await trx.selectFrom('events').select('event_type').where('aggregate_id', '=', applicationId).orderBy('created_at').execute()).map((e) => e.event_type),
  }));
}

describe('the loan journey underwritten by loan processing as a child workflow (metis.underwrite_loan)', () => {
  before(async () => {
    statement = await generateDocument({ type: 'bank_statement', seed: 'loan-journey-statement-1' });
    holder = (statement.truth.fields as BankStatementTruth).accountHolder;
    await store.ensureBucket();
    await registerRiskModel(store, trainRiskModel({ tenantId: acme, version: modelVersion, rows: 4_000 }));
    world = await startLoanWorld();
    const tenants = [{ ...acmeLike(testPolicy('acme')), webhook: { url: world.webhooks.url, secret: world.webhooks.secret } }];
    const services = loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey });
    // The loan's document check and risk score are the built-in ones: OCR of the statement, the tenant's ONNX model.
    workers = await createWorkers({ config, tenants, services: { ...services, loanChecks: {} } });
    metis = await createMetis({ ...config, tenants });
  });
  after(async () => {
    await metis?.close();
    await workers?.shutdown();
    await world?.close();
    await db.destroy();
    for (const key of [riskLatestKey(acme), `models/risk-scoring/${acme}/${modelVersion}.onnx`, `models/risk-scoring/${acme}/${modelVersion}.json`]) await store.delete(key);
  });

  test('acme: application → documents → underwriting runs the loan as a child, which approves and pays out → disbursed', async () => {
    const applicantId = uniqueId('lj-ok');
    const applicationId = `journey-${applicantId}`;
    const journeyId = journeyWorkflowId(acme, 'loan', applicantId);
    const loanId = loanWorkflowId(acme, applicationId);
    assert.equal(loanId, `loan:${acme}:journey-${applicantId}`);
    await kycDone(acme, applicantId);
    await apply(metis, acme, applicantId, { amount: 300_000, tenureMonths: 36, monthlyIncome: 150_000, pan: panWithScore(790, 900) });

    const view = await finished(acme, applicantId);
    const loan = await metis.tenant(acme).loans.get(applicationId);
    assert.equal(view.state, 'disbursed', `automationError ${view.automationError}; loan ${JSON.stringify(loan.decision)} ${JSON.stringify(loan.documents)}`);
    assert.equal(view.status, 'done');
    assert.equal(view.automationError, null);
    // With the default settings, neither the journey nor its child loan stores the applicant's data in clear.
    const typed = [view.data['pan_number'] as string, view.data['name'] as string, '9876543210'];
    for (const id of [journeyId, loanId]) await assertNoClearPii(metis.temporal, config.temporal.namespace, id, typed);

    // The loan ran as the journey's child, under the id the journey gives it.
    const child = await metis.temporal.workflow.getHandle(loanId).describe();
    assert.equal(child.type, 'loanProcessingWorkflow');
    assert.equal(child.status.name, 'COMPLETED');
    assert.equal(child.parentExecution?.workflowId, journeyId);
    const history = await metis.temporal.workflow.getHandle(journeyId).fetchHistory();
    const initiated = history.events?.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes) ?? [];
    assert.deepEqual(initiated.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId), [loanId]);

    // The built-in checks ran: the statement read and matched, the tenant's model scored.
    assert.equal(loan.documents?.verified, true, JSON.stringify(loan.documents));
    assert.ok(loan.risk, 'the risk step ran');
    assert.equal(loan.risk.modelVersion, modelVersion);
    assert.equal(loan.decision?.outcome, 'approve', JSON.stringify(loan.decision));

    const underwriting = view.results['underwriting'] as JsonObject;
    assert.equal(underwriting['application_id'], applicationId);
    assert.equal(underwriting['outcome'], 'approve');
    assert.equal(underwriting['disbursed'], true);
    assert.equal(underwriting['model_version'], loan.risk.modelVersion);
    assert.equal(underwriting['risk_score'], loan.risk.riskScore);
    assert.equal(underwriting['bureau_score'], loan.credit?.score);

    // The audit: contiguous seq, ending in disbursed by the system.
    const audit = await transitions(acme, applicantId);
    assert.deepEqual(audit.map((t) => t.seq), audit.map((_, i) => i + 1));
    assert.deepEqual(audit.slice(-3).map((t) => [t.from_state, t.to_state]), [['application', 'documents'], ['documents', 'underwriting'], ['underwriting', 'disbursed']]);
    assert.equal(audit.at(-1)?.actor, 'system');

    // One loan, decided once.
    const rows = await loanRows(acme, applicationId);
    assert.equal(rows.apps.length, 1);
    assert.equal(rows.apps[0]?.status, 'disbursed');
    assert.equal((rows.apps[0]?.decision as { outcome?: string } | null)?.outcome, 'approve');
    assert.deepEqual(rows.events, ['LOAN_APPLIED', 'LOAN_APPROVED']);
    assert.equal(world.payments.transfers().filter((t) => t.reference === `${acme}:${applicationId}`).length, 1);

    await assertReplays(metis.temporal, loanId);
    // The finished journey still answers (the query replays its history on a worker) and replays.
    assert.equal((await metis.tenant(acme).journeys.get(applicantId, 'loan')).state, 'disbursed');
    await assertReplays(metis.temporal, journeyId);
  });

  test('acme high value: the journey waits in underwriting while the loan is in review; the underwriter approves → disbursed', async () => {
    const applicantId = uniqueId('lj-review');
    const applicationId = `journey-${applicantId}`;
    await kycDone(acme, applicantId);
    await apply(metis, acme, applicantId, { amount: 1_500_000, tenureMonths: 60, monthlyIncome: 400_000, pan: panWithScore(790, 900) });

    // The underwriting state starts the loan after reading the KYC status: wait until it exists.
    await waitFor(() => metis.tenant(acme).loans.get(applicationId).then(() => true, () => undefined), 30_000, 'the child loan to start');
    const proposal = await metis.tenant(acme).loans.waitForDecision(applicationId);
    assert.equal(proposal.outcome, 'manual_review');
    assert.ok(proposal.reasons.some((r) => r.includes('high-value')), proposal.reasons.join('\n'));
    const waiting = await metis.tenant(acme).journeys.get(applicantId, 'loan');
    assert.equal(waiting.state, 'underwriting');
    assert.equal(waiting.automationRunning, true);
    assert.equal((await metis.tenant(acme).loans.get(applicationId)).stage, 'review');

    const reviewed = await metis.tenant(acme).loans.review(applicationId, { outcome: 'approve', reviewer: 'uw-7', reason: 'income verified', approvedAmount: 1_200_000 });
    assert.equal(reviewed.decision?.decidedBy, 'uw-7');
    const view = await finished(acme, applicantId);
    assert.equal(view.state, 'disbursed', String(view.automationError));
    const underwriting = view.results['underwriting'] as JsonObject;
    assert.equal(underwriting['outcome'], 'approve');
    assert.equal(underwriting['decided_by'], 'uw-7');
    assert.equal(underwriting['approved_amount'], 1_200_000);
    const rows = await loanRows(acme, applicationId);
    assert.equal(rows.apps.length, 1);
    assert.deepEqual(rows.events, ['LOAN_APPLIED', 'LOAN_MANUAL_REVIEW', 'LOAN_APPROVED']);
  });

  test('a tenant without a loan policy: the underwriting automation fails naming the missing policy, no loan is started', async () => {
    const bare = await createMetis({ ...config, tenants: [acmeLike()] });
    try {
      const applicantId = uniqueId('lj-nopolicy');
      const applicationId = `journey-${applicantId}`;
      await apply(bare, acme, applicantId, { amount: 300_000, tenureMonths: 36, monthlyIncome: 150_000, pan: panWithScore(790, 900) });
      const view = await waitFor(async () => {
        const v = await bare.tenant(acme).journeys.get(applicantId, 'loan');
        return v.automationError ? v : undefined;
      }, 30_000, 'the automation error');
      assert.equal(view.state, 'underwriting');
      assert.equal(view.automationRunning, false);
      assert.match(view.automationError ?? '', /no loan policy/);
      assert.match(view.automationError ?? '', /loanPolicy/);
      await assert.rejects(metis.temporal.workflow.getHandle(loanWorkflowId(acme, applicationId)).describe(), (error: Error) => error.name === 'WorkflowNotFoundError');
      assert.equal((await loanRows(acme, applicationId)).apps.length, 0);
      await metis.temporal.workflow.getHandle(journeyWorkflowId(acme, 'loan', applicantId)).terminate('test done');
    } finally {
      await bare.close();
    }
  });
});
