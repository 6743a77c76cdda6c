import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure, Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { createLlmActivities, loadAnalysis, loadLlmEngine, RECOMMENDATIONS, RISK_FLAGS, underwritingNoteSchema, validateJson } from '@metis/activities/llm';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { LlmEngine } from '@metis/activities/llm';
import type { MetisDatabase } from '@metis/activities/storage';
import { analysisQuery, analysisWorkflow, analysisWorkflowId, MetisJourney, MetisOutcome, MetisState, MetisTenant, taskQueueName } from '@metis/workflows';
import type { AnalysisWorkflowInput } from '@metis/workflows';
import { metisDataConverter } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { ensureGeneratedModel, startWebhookReceiver, testConfig, uniqueId, uniqueTenantId } from '@metis/testing';
import type { WebhookReceiver } from '@metis/testing';

const prefix = uniqueId('llm');
const config = testConfig({ temporal: { taskQueuePrefix: prefix } });
const tenantId = uniqueTenantId('ana');
const otherTenant = uniqueTenantId('ana-b');
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
const limits = { summaryMaxLength: 60, maxFlags: 4 };
let engine: LlmEngine;
let workers: MetisWorkers;
let temporal: Client;
let webhooks: WebhookReceiver;

const input = (overrides: Partial<AnalysisWorkflowInput> = {}): AnalysisWorkflowInput => ({
  tenantId,
  analysisId: uniqueId('an'),
  application: { applicant: 'R. Sharma', monthly_income: 85_000, loan_amount: 600_000, tenure_months: 36, employment: 'salaried', existing_emi: 12_000 },
  ...overrides,
});

const start = (args: AnalysisWorkflowInput) =>
  temporal.workflow.start(analysisWorkflow, { taskQueue: taskQueueName('ai', prefix), workflowId: analysisWorkflowId(args.tenantId, args.analysisId), args: [args] });

describe('analysis workflow on the real Temporal server, llama.cpp and PostgreSQL', () => {
  before(async () => {
    engine = await loadLlmEngine({ modelPath: await ensureGeneratedModel({ preset: 'tiny' }), threads: 1, sequences: 2, contextSize: 1024 });
    webhooks = await startWebhookReceiver();
    for (const t of [tenantId, otherTenant]) {
      await withTenant(db, t, (trx) => trx.insertInto('tenants').values({ tenant_id: t, display_name: t, settings: '{}' }).execute());
    }
    workers = await createWorkers({
      config,
      pools: { ai: {}, default: {} },
      tenants: [{ tenantId, webhook: { url: webhooks.url, secret: webhooks.secret } }],
      activities: { ...createLlmActivities({ db, engine, note: limits, heartbeatIntervalMs: 1_000 }) },
    });
    // A Temporal client of the tenant's own decodes with the same keys as Metis.
    temporal = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace, dataConverter: metisDataConverter(config.encryption, () => undefined) });
  });
  after(async () => {
    await workers.shutdown();
    await engine.close();
    await temporal.connection.close();
    await webhooks.close();
    await db.destroy();
  });

  test('accepted at once under its id; the note is stored, retrievable, and visible only to its tenant', async () => {
    const args = input();
    const handle = await start(args);
    assert.equal(handle.workflowId, `analysis:${tenantId}:${args.analysisId}`);
    const result = await handle.result();
    assert.deepEqual(validateJson(underwritingNoteSchema(limits), result.note), []);
    assert.ok(RECOMMENDATIONS.includes(result.note.recommendation));
    assert.ok(result.note.risk_flags.every((f) => RISK_FLAGS.includes(f)));
    assert.equal(result.status, 'completed');
    assert.equal(result.workflowId, handle.workflowId);
    assert.equal(result.model, engine.info.modelName);
    assert.match(result.inputSha256, /^[0-9a-f]{64}$/);
    assert.ok(result.usage.generatedTokens > 0 && result.usage.promptTokens > 0 && result.usage.tokensPerSecond > 0);
    assert.deepEqual(await loadAnalysis(db, tenantId, args.analysisId), result);
    assert.equal(await loadAnalysis(db, otherTenant, args.analysisId), undefined, 'row-level security hides it from other tenants');
    const view = await handle.query(analysisQuery);
    assert.equal(view.stage, 'completed');
    assert.deepEqual(view.result, result);
    const described = await handle.describe();
    assert.equal(described.typedSearchAttributes.get(MetisTenant), tenantId);
    assert.equal(described.typedSearchAttributes.get(MetisJourney), 'analysis');
    assert.equal(described.typedSearchAttributes.get(MetisState), 'completed');
    assert.equal(described.typedSearchAttributes.get(MetisOutcome), result.note.recommendation);
    assert.equal(webhooks.received().length, 0, 'no notification unless asked for');
  });

  test('several analyses at once all complete on the shared engine', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => input({ application: { applicant: `Applicant ${i}`, monthly_income: 30_000 + 9_000 * i, loan_amount: 200_000 * (i + 1) } }));
    const results = await Promise.all(batch.map(async (args) => (await start(args)).result()));
    assert.deepEqual(results.map((r) => r.analysisId), batch.map((a) => a.analysisId));
    const rows = await withTenant(db, tenantId, (trx) => trx.selectFrom('analyses').select('analysis_id').where('analysis_id', 'in', batch.map((a) => a.analysisId)).execute());
    assert.equal(rows.length, 5);
    assert.equal(new Set(results.map((r) => r.inputSha256)).size, 5);
    assert.deepEqual({ busy: engine.stats().busy, queued: engine.stats().queued }, { busy: 0, queued: 0 });
  });

  test('starting the same analysis twice runs it once', async () => {
    const args = input();
    const first = await start(args);
    await assert.rejects(start(args), WorkflowExecutionAlreadyStartedError);
    await first.result();
    const rows = await withTenant(db, tenantId, (trx) => trx.selectFrom('analyses').select('analysis_id').where('analysis_id', '=', args.analysisId).execute());
    assert.equal(rows.length, 1);
  });

  test('the notify hook sends one signed analysis.completed webhook', async () => {
    const args = input({ notify: { webhook: true } });
    const result = await (await start(args)).result();
    const received = webhooks.received().filter((w) => w.body.data['analysisId'] === args.analysisId);
    assert.equal(received.length, 1);
    assert.ok(received[0]!.signatureValid);
    assert.equal(received[0]!.body.event, 'analysis.completed');
    assert.equal(received[0]!.body.tenantId, tenantId);
    assert.deepEqual(received[0]!.body.data, {
      analysisId: args.analysisId,
      workflowId: analysisWorkflowId(tenantId, args.analysisId),
      kind: 'underwriting-note',
      recommendation: result.note.recommendation,
      riskFlags: [...result.note.risk_flags],
    });
  });

  test('unusable input fails once with a typed, non-retryable error and stores nothing', async () => {
    const args = input({ application: {} });
    const handle = await start(args);
    const error = await handle.result().catch((e: unknown) => e);
    assert.ok(error instanceof WorkflowFailedError);
    const activity = error.cause;
    assert.ok(activity instanceof ActivityFailure);
    assert.ok(activity.cause instanceof ApplicationFailure);
    assert.equal(activity.cause.type, 'LLM_INPUT_INVALID');
    assert.equal(activity.cause.nonRetryable, true);
    assert.equal(await loadAnalysis(db, tenantId, args.analysisId), undefined);
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes?.attempt);
    assert.deepEqual(attempts, [1]);
  });
});
