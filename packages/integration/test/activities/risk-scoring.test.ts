import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asyncLocalStorage } from '@temporalio/activity';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { createInMemoryMetrics } from '@metis/activities/metrics';
import { createMinioObjectStore } from '@metis/activities/storage';
import { createRiskActivities, createRiskScorer, InvalidRiskInputError, listRiskModelVersions, readLatestRiskVersion, registerRiskModel, riskModelKeys, RiskModelInvalidError, RiskModelNotFoundError, transformFeature } from '@metis/activities/risk';
import { generateApplicants, trainRiskModel } from '@metis/testing';
import type { RiskFeatures, RiskModelMetadata, RiskScorer } from '@metis/activities/risk';
import type { TrainedRiskModel } from '@metis/testing';
import { freshTenant, S3 } from './stack-env.ts';

const store = createMinioObjectStore(S3);
const tenant = freshTenant('risk');
const ROWS = 6_000;

/** Score with onnxruntime directly from the registry's bytes: the reference the scorer must match. */
async function direct(model: { onnx: Uint8Array; metadata: RiskModelMetadata }, applicants: readonly RiskFeatures[]): Promise<{ probability: Float32Array; logit: Float32Array }> {
  const session = await InferenceSession.create(model.onnx);
  try {
    const f = model.metadata.features;
    const x = Float32Array.from(applicants.flatMap((a) => f.map((feature) => transformFeature(a[feature.name] ?? NaN, feature.transform))));
    const out = await session.run({ features: new Tensor('float32', x, [applicants.length, f.length]) });
    return { probability: out['probability']?.data as Float32Array, logit: out['logit']?.data as Float32Array };
  } finally {
    await session.release();
  }
}

/** Run `fn` as if inside a Temporal activity, recording its heartbeats. */
async function inActivity<T>(fn: () => Promise<T>): Promise<{ result: T; beats: unknown[] }> {
  const beats: unknown[] = [];
  const context = { heartbeat: (details: unknown) => beats.push(details) } as unknown as Context;
  const result = await asyncLocalStorage.run(context, fn);
  return { result, beats };
}

function nonRetryable(type: string): (error: unknown) => boolean {
  return (error) => error instanceof ApplicationFailure && error.nonRetryable === true && error.type === type;
}

describe('risk scoring on onnxruntime with the MinIO model registry', () => {
  let v1: TrainedRiskModel;
  let v2: TrainedRiskModel;
  let scorer: RiskScorer;
  const applicants = generateApplicants(tenant, 'scoring', 60).map((a) => a.features);

  before(async () => {
    await store.ensureBucket();
    v1 = trainRiskModel({ tenantId: tenant, version: 'v1', rows: ROWS });
    v2 = trainRiskModel({ tenantId: tenant, version: 'v2', seed: 'second-draw', rows: ROWS });
    await registerRiskModel(store, v1);
    scorer = createRiskScorer({ store, latestTtlMs: 250 });
  });
  after(async () => {
    await scorer.dispose();
    for (const o of await store.list(`models/risk-scoring/${tenant}/`)) await store.delete(o.key);
  });

  test('training reports a held-out AUC well above chance and writes its metadata', () => {
    const m = v1.metadata;
    assert.equal(m.metrics.trainRows + m.metrics.testRows, ROWS);
    assert.equal(m.metrics.testRows, ROWS * 0.2);
    assert.ok(m.metrics.testAuc > 0.75 && m.metrics.testAuc < 0.95, `held-out AUC ${m.metrics.testAuc}`);
    assert.ok(m.metrics.positiveRate > 0.05 && m.metrics.positiveRate < 0.5);
    assert.deepEqual(
      m.features.map((f) => f.name),
      ['credit_score', 'monthly_income', 'debt_to_income', 'loan_to_income', 'employment_years', 'age', 'missed_payments_12m', 'credit_utilization', 'existing_loans', 'kyc_mismatch'],
    );
    assert.ok((m.features.find((f) => f.name === 'credit_score')?.weight ?? 0) < 0, 'a higher bureau score lowers risk');
    assert.ok((m.features.find((f) => f.name === 'missed_payments_12m')?.weight ?? 0) > 0, 'missed payments raise risk');
    assert.notDeepEqual(v1.metadata.features, v2.metadata.features);
  });

  test('the registry holds the ONNX file, its metadata and a latest pointer under models/risk-scoring/{tenant}/', async () => {
    const keys = riskModelKeys(tenant, 'v1');
    assert.equal(keys.onnx, `models/risk-scoring/${tenant}/v1.onnx`);
    assert.deepEqual(await store.get(keys.onnx), v1.onnx);
    const meta = JSON.parse(new TextDecoder().decode(await store.get(keys.metadata))) as RiskModelMetadata;
    assert.equal(meta.version, 'v1');
    assert.equal(meta.metrics.testAuc, v1.metadata.metrics.testAuc);
    assert.equal(await readLatestRiskVersion(store, tenant), 'v1');
    assert.deepEqual(await listRiskModelVersions(store, tenant), ['v1']);
  });

  test('scores loaded from MinIO match a direct onnxruntime run; contributions sum to logit − intercept', async () => {
    const reference = await direct({ onnx: await store.get(riskModelKeys(tenant, 'v1').onnx), metadata: v1.metadata }, applicants);
    const scores = await scorer.scoreBatch(tenant, applicants);
    scores.forEach((s, i) => {
      assert.equal(s.model_version, 'v1');
      assert.equal(s.risk_score, reference.probability[i], `applicant ${i}`);
      assert.equal(s.logit, reference.logit[i]);
      const sum = s.contributing_factors.reduce((acc, f) => acc + f.contribution, 0);
      assert.ok(Math.abs(sum - (s.logit - s.intercept)) < 1e-4, `contributions ${sum} vs logit − intercept ${s.logit - s.intercept}`);
      assert.equal(s.contributing_factors.length, 10);
      for (const f of s.contributing_factors) assert.equal(f.direction, f.contribution > 0 ? 'increases_risk' : 'decreases_risk');
      const band = v1.metadata.categories.find((c) => s.risk_score <= c.upTo)?.name;
      assert.equal(s.risk_category, band);
    });
    assert.ok(new Set(scores.map((s) => s.risk_category)).size >= 2, 'the sample spans several risk bands');
  });

  test('batch scoring gives the one-at-a-time scores (to float32 rounding)', async () => {
    const batch = await scorer.scoreBatch(tenant, applicants.slice(0, 20));
    for (const [i, a] of applicants.slice(0, 20).entries()) {
      const one = await scorer.score(tenant, a);
      const b = batch[i];
      assert.ok(b && Math.abs(one.risk_score - b.risk_score) < 1e-6 && Math.abs(one.logit - b.logit) < 1e-5, `applicant ${i}`);
      assert.equal(one.risk_category, b.risk_category);
      assert.deepEqual(
        one.contributing_factors.map((f) => f.feature),
        b.contributing_factors.map((f) => f.feature),
      );
    }
  });

  test('a newly registered version is picked up without a restart; a pinned version keeps working', async () => {
    const metrics = createInMemoryMetrics();
    const live = createRiskScorer({ store, latestTtlMs: 200, metrics });
    try {
      assert.equal((await live.score(tenant, applicants[0] as RiskFeatures)).model_version, 'v1');
      await registerRiskModel(store, v2);
      const deadline = Date.now() + 5_000;
      let version = 'v1';
      while (version !== 'v2' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        version = (await live.score(tenant, applicants[0] as RiskFeatures)).model_version;
      }
      assert.equal(version, 'v2', 'the scorer switched to v2');
      const reference = await direct(v2, applicants.slice(0, 5));
      const now = await live.scoreBatch(tenant, applicants.slice(0, 5));
      now.forEach((s, i) => assert.equal(s.risk_score, reference.probability[i]));
      const pinned = await live.score(tenant, applicants[0] as RiskFeatures, { version: 'v1' });
      assert.equal(pinned.model_version, 'v1');
      assert.notEqual(pinned.risk_score, now[0]?.risk_score);
      assert.equal(metrics.value('metis_risk_model_loads_total', { tenant, version: 'v2' }), 1, 'v2 was loaded once');
    } finally {
      await live.dispose();
    }
  });

  test('bad features, unknown tenants and tampered models get typed errors', async () => {
    const { credit_score: _dropped, ...missing } = applicants[0] as Record<string, number>;
    await assert.rejects(scorer.score(tenant, missing), (e: unknown) => e instanceof InvalidRiskInputError && e.features.includes('credit_score'));
    await assert.rejects(scorer.score(tenant, { ...applicants[0], age: Number.NaN }), InvalidRiskInputError);
    await assert.rejects(scorer.score(freshTenant('nomodel'), applicants[0] as RiskFeatures), RiskModelNotFoundError);
    await assert.rejects(scorer.score(tenant, applicants[0] as RiskFeatures, { version: 'v9' }), RiskModelNotFoundError);
    const tampered = { onnx: v1.onnx, metadata: { ...v1.metadata, version: 'v3', intercept: v1.metadata.intercept + 1 } };
    await assert.rejects(registerRiskModel(store, tampered), RiskModelInvalidError);
    assert.equal(await store.stat(riskModelKeys(tenant, 'v3').onnx), undefined, 'nothing was stored');
  });

  test('risk activities: single and batch scoring with heartbeats, non-retryable failures with stable types', async () => {
    const activities = createRiskActivities({ objects: store, riskScorer: scorer });
    const one = await activities.scoreRisk({ tenantId: tenant, features: applicants[0] as RiskFeatures });
    assert.ok(one.risk_score > 0 && one.risk_score < 1);
    const many = applicants.map((features, i) => ({ applicantId: `a${i}`, features }));
    const big = Array.from({ length: 2_500 }, (_, i) => many[i % many.length] as (typeof many)[number]);
    const { result, beats } = await inActivity(() => activities.scoreRiskBatch({ tenantId: tenant, applicants: big }));
    assert.equal(result.length, 2_500);
    assert.equal(result[0]?.applicantId, 'a0');
    assert.deepEqual(beats, [
      { scored: 1_000, of: 2_500 },
      { scored: 2_000, of: 2_500 },
      { scored: 2_500, of: 2_500 },
    ]);
    assert.equal(new Set(result.map((r) => r.score.model_version)).size, 1, 'one version for the whole batch');
    await assert.rejects(activities.scoreRisk({ tenantId: tenant, features: { age: 30 } }), nonRetryable('RISK_INPUT_INVALID'));
    await assert.rejects(activities.scoreRisk({ tenantId: freshTenant('nomodel'), features: applicants[0] as RiskFeatures }), nonRetryable('RISK_MODEL_NOT_FOUND'));
    await assert.rejects(activities.scoreRisk({ tenantId: '../evil', features: applicants[0] as RiskFeatures }), nonRetryable('INVALID_TENANT_ID'));
  });
});
