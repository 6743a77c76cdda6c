import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLlmEngine, RECOMMENDATIONS } from '@metis/activities/llm';
import type { LlmEngine } from '@metis/activities/llm';
import { createMetis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Metis } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { ensureGeneratedModel, testConfig, uniqueId, uniqueTenantId } from '@metis/testing';

// The analyses API of the SDK, end to end: the LLM engine plugged into the workers through
// `services.llm` (a generated model: its text is meaningless, its structure is checked).
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('analyses') } });
const tenantId = uniqueTenantId('an-sdk');
let engine: LlmEngine;
let workers: MetisWorkers;
let metis: Metis;

describe('metis.tenant(id).analyses', () => {
  before(async () => {
    engine = await loadLlmEngine({ modelPath: await ensureGeneratedModel({ preset: 'tiny' }), threads: 1, sequences: 2, contextSize: 1024 });
    workers = await createWorkers({ config, pools: { ai: {}, default: {} }, services: { llm: { engine, note: { summaryMaxLength: 60, maxFlags: 3 } } } });
    metis = await createMetis({ ...config, tenants: [{ tenantId, displayName: 'Analyses' }] });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await engine.close();
  });

  test('submit returns at once; the stored note is retrievable; submitting again runs nothing new', async () => {
    const analyses = metis.tenant(tenantId).analyses;
    const application = { applicant: 'R. Sharma', monthly_income: 85_000, loan_amount: 600_000, tenure_months: 36 };
    const submitted = await analyses.submit({ analysisId: uniqueId('a'), application });
    assert.equal(submitted.started, true);
    assert.equal(submitted.workflowId, `analysis:${tenantId}:${submitted.analysisId}`);
    const stored = await analyses.result(submitted.analysisId);
    assert.equal(stored.tenantId, tenantId);
    assert.ok(RECOMMENDATIONS.includes(stored.note.recommendation));
    assert.ok(stored.note.summary.length <= 60);
    assert.ok(stored.usage.generatedTokens > 0);
    const view = await analyses.get(submitted.analysisId);
    assert.equal(view.stage, 'completed');
    assert.deepEqual(view.result?.note, stored.note);
    const again = await analyses.submit({ analysisId: submitted.analysisId, application });
    assert.equal(again.started, false);
    await assert.rejects(analyses.get(uniqueId('missing')), { code: 'ANALYSIS_NOT_FOUND' });
  });
});
