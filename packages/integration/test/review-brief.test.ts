// The underwriter's brief of a loan in manual review, written on the AI pool by the real llama.cpp.
// The model is the generated one: its words mean nothing (random weights), but loading, grammar,
// batching, heartbeats and storage are real; only the brief's shape is checked, never its text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmModelError, loadReviewBrief, RISK_FLAGS } from '@metis/activities/llm';
import type { StoredReviewBrief } from '@metis/activities/llm';
import type { LoanApplication } from '@metis/activities/loans';
import type { Metrics } from '@metis/activities/metrics';
import { createPgDatabase } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';
import { createMetis } from '@metis/sdk';
import type { Metis } from '@metis/sdk';
import { loanWorkflowId } from '@metis/workflows';
import type { LoanReviewBrief, loanProcessingWorkflow } from '@metis/workflows';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { ensureGeneratedModel, testConfig, uniqueId, waitFor } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testTenant } from './support/loan-services.ts';
import type { LoanWorld } from './support/loan-services.ts';

const acme = sampleTenants.acme.tenantId;
const withLlm = testConfig({ temporal: { taskQueuePrefix: uniqueId('brief') } });
const withoutLlm = testConfig({ temporal: { taskQueuePrefix: uniqueId('nobrief') } });
const db = createPgDatabase<MetisDatabase>({ url: withLlm.database.url, pool: { max: 2, min: 0 } });
const PAN = panWithScore(790, 900);
let world: LoanWorld;
let workers: MetisWorkers;
let plainWorkers: MetisWorkers;
let metis: Metis;
let plain: Metis;
// The engine's gauge of sequences generating at once: above 1, briefs shared decode passes.
let mostBusy = 0;
const metrics: Metrics = {
  count() {},
  observe() {},
  gauge(name, value) {
    if (name === 'metis_llm_sequences_busy') mostBusy = Math.max(mostBusy, value);
  },
};

/** A high-value application (above ₹10,00,000): the acme rules send it to manual review. */
function highValue(): LoanApplication {
  return {
    applicationId: uniqueId('app'),
    amount: 1_500_000,
    tenureMonths: 60,
    purpose: 'home extension; call 9876543210 or priya@example.com',
    kycStatus: 'done',
    applicant: { applicantId: uniqueId('cust'), name: 'Priya Sharma', pan: PAN, dateOfBirth: '1990-04-01', monthlyIncome: 400_000, employmentType: 'salaried', phone: '9876543210', email: 'priya@example.com' },
  };
}

function assertBriefShape(stored: StoredReviewBrief, app: LoanApplication): void {
  assert.equal(typeof stored.brief.summary, 'string');
  assert.ok(Array.isArray(stored.brief.questions) && stored.brief.questions.every((q) => typeof q === 'string'));
  for (const flag of stored.brief.flags) {
    assert.ok(RISK_FLAGS.includes(flag.flag), flag.flag);
    assert.ok(flag.fields.length > 0 && flag.fields.every((f) => f in stored.facts), `${flag.flag} cites only given facts: ${flag.fields.join(', ')}`);
  }
  assert.equal(stored.facts['loan.amount'], app.amount);
  assert.equal(stored.facts['applicant.monthly_income'], app.applicant.monthlyIncome);
  assert.ok(typeof stored.facts['applicant.emi_to_income'] === 'number');
  assert.ok(Object.keys(stored.facts).some((k) => k.startsWith('risk.')) && Object.keys(stored.facts).some((k) => k.startsWith('rules.')));
  const seen = JSON.stringify(stored.facts);
  for (const secret of [app.applicant.pan, app.applicant.name, '9876543210', 'priya@example.com']) assert.ok(!seen.includes(secret), `the model never sees ${secret}`);
  assert.equal(stored.model, 'metis-generated-tiny');
  assert.equal(stored.workflowId, loanWorkflowId(acme, app.applicationId));
  assert.ok(stored.usage.promptTokens > 0 && stored.usage.generatedTokens > 0);
}

async function completedBrief(m: Metis, applicationId: string): Promise<StoredReviewBrief> {
  const brief = await waitFor(async () => {
    const b = await m.tenant(acme).loans.brief(applicationId);
    return b && b.status !== 'pending' ? b : undefined;
  }, 120_000, 'the brief');
  assert.equal(brief.status, 'completed', JSON.stringify(brief));
  return (brief as Extract<LoanReviewBrief, { status: 'completed' }>).brief;
}

describe('review briefs on the real Temporal server, llama.cpp and PostgreSQL', () => {
  before(async () => {
    delete process.env['METIS_LLM_MODEL'];
    world = await startLoanWorld();
    const tenants = [testTenant('acme', { url: world.webhooks.url, secret: world.webhooks.secret })];
    const services = loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey });
    const llmModel = await ensureGeneratedModel({ preset: 'tiny' });
    workers = await createWorkers({ config: withLlm, tenants, llmModel, sizing: { overrides: { llm: { threads: 1, sequences: 3 } } }, services: { ...services, metrics } });
    plainWorkers = await createWorkers({ config: withoutLlm, tenants, services });
    metis = await createMetis({ ...withLlm, tenants });
    plain = await createMetis({ ...withoutLlm, tenants });
  });
  after(async () => {
    await metis?.close();
    await plain?.close();
    await workers?.shutdown();
    await plainWorkers?.shutdown();
    await world?.close();
    await db.destroy();
  });

  test('manual review with its brief attached', async () => {
    const app = highValue();
    await metis.tenant(acme).loans.apply(app);
    const proposal = await metis.tenant(acme).loans.waitForDecision(app.applicationId);
    assert.equal(proposal.outcome, 'manual_review');
    // While it is written, the brief is pending, with the tokens its heartbeats report once there are any.
    const progress: { tokens: number; phase: string }[] = [];
    let brief = await metis.tenant(acme).loans.brief(app.applicationId);
    for (const deadline = Date.now() + 120_000; brief?.status === 'pending' && Date.now() < deadline; brief = await metis.tenant(acme).loans.brief(app.applicationId)) {
      if (brief.progress) progress.push(brief.progress);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(brief);
    assert.equal(brief.status, 'completed', JSON.stringify(brief));
    const stored = (brief as Extract<LoanReviewBrief, { status: 'completed' }>).brief;
    assertBriefShape(stored, app);
    assert.ok(progress.every((p) => p.tokens >= 0 && p.tokens <= stored.usage.generatedTokens && ['queued', 'generating'].includes(p.phase)), JSON.stringify(progress));
    console.log(`heartbeat progress seen while pending: ${JSON.stringify(progress.slice(-3))} (the generated model's text is meaningless)`);
    assert.deepEqual(await loadReviewBrief(db, acme, app.applicationId), stored, 'stored in analyses');
    const view = await metis.tenant(acme).loans.get(app.applicationId);
    assert.equal(view.stage, 'review');
    assert.deepEqual(view.brief, brief, 'the loan view carries the brief');
    const reviewed = await metis.tenant(acme).loans.review(app.applicationId, { outcome: 'reject', reviewer: 'uw-7', reason: 'exposure limit' });
    assert.equal(reviewed.decision?.outcome, 'reject');
    const final = await metis.temporal.workflow.getHandle<typeof loanProcessingWorkflow>(loanWorkflowId(acme, app.applicationId)).result();
    assert.equal(final.stage, 'done');
    assert.deepEqual(final.brief, brief);
  });

  test('the underwriter may decide at once; concurrent briefs share the engine and are stored after the decision', async () => {
    const apps = [highValue(), highValue(), highValue()];
    await Promise.all(apps.map((app) => metis.tenant(acme).loans.apply(app)));
    for (const app of apps) assert.equal((await metis.tenant(acme).loans.waitForDecision(app.applicationId)).outcome, 'manual_review');
    const reviews = await Promise.all(apps.map((app) => metis.tenant(acme).loans.review(app.applicationId, { outcome: 'reject', reviewer: 'uw-8', reason: 'exposure limit' })));
    assert.ok(reviews.every((v) => v.decision?.outcome === 'reject'), 'the review never waits for the brief');
    for (const app of apps) {
      const final = await metis.temporal.workflow.getHandle<typeof loanProcessingWorkflow>(loanWorkflowId(acme, app.applicationId)).result();
      assert.equal(final.decision?.decidedBy, 'uw-8');
      assert.equal(final.brief?.status, 'completed', JSON.stringify(final.brief));
      assertBriefShape(await completedBrief(metis, app.applicationId), app);
    }
    assert.ok(mostBusy >= 2, `briefs decoded together on one engine (most sequences busy at once: ${mostBusy})`);
  });

  test('a missing model fails the worker at start, before it connects', async () => {
    await assert.rejects(createWorkers({ config: withoutLlm, llmModel: '/nonexistent/model.gguf' }), (error: Error) => {
      assert.ok(error instanceof LlmModelError && error.code === 'LLM_MODEL_MISSING', String(error));
      return true;
    });
  });

  test('a worker without an LLM: the brief is unavailable and the review goes on', async () => {
    const app = highValue();
    await plain.tenant(acme).loans.apply(app);
    assert.equal((await plain.tenant(acme).loans.waitForDecision(app.applicationId)).outcome, 'manual_review');
    const brief = await waitFor(async () => {
      const b = await plain.tenant(acme).loans.brief(app.applicationId);
      return b && b.status !== 'pending' ? b : undefined;
    }, 30_000, 'the brief to be refused');
    assert.equal(brief.status, 'unavailable');
    assert.match((brief as Extract<LoanReviewBrief, { status: 'unavailable' }>).reason, /METIS_LLM_MODEL/);
    const reviewed = await plain.tenant(acme).loans.review(app.applicationId, { outcome: 'reject', reviewer: 'uw-9', reason: 'exposure limit' });
    assert.equal(reviewed.decision?.outcome, 'reject');
    const final = await plain.temporal.workflow.getHandle<typeof loanProcessingWorkflow>(loanWorkflowId(acme, app.applicationId)).result();
    assert.equal(final.stage, 'done');
    assert.equal(await loadReviewBrief(db, acme, app.applicationId), undefined);
    const history = await plain.temporal.workflow.getHandle(loanWorkflowId(acme, app.applicationId)).fetchHistory();
    const attempts = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'writeReviewBrief');
    assert.equal(attempts.length, 1, 'asked once, answered at once');
  });
});
