import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { listRiskModelVersions, readRiskModel, registerRiskModel } from '@metis/activities/risk';
import { createMinioObjectStore } from '@metis/activities/storage';
import { testConfig, trainRiskModel, uniqueTenantId } from '@metis/testing';
import { ensureSampleRiskModels, SAMPLE_RISK_MODEL_VERSION } from '../src/sample-risk-models.ts';
import type { RiskModelTrainer } from '../src/sample-risk-models.ts';

const store = createMinioObjectStore(testConfig().objectStore);
const tenants = [uniqueTenantId('sample-a'), uniqueTenantId('sample-b'), uniqueTenantId('sample-own')];
// Fewer rows than `metis dev init` trains on, to keep the test quick.
const calls: string[] = [];
const train: RiskModelTrainer = (options) => {
  calls.push(options.tenantId);
  return trainRiskModel({ ...options, rows: 3_000 });
};

describe('the sample tenants’ risk models of metis dev init', () => {
  after(async () => {
    for (const t of tenants) for (const o of await store.list(`models/risk-scoring/${t}/`)) await store.delete(o.key);
  });

  it('trains and registers a model per tenant once, leaving a tenant’s own model alone', async () => {
    await store.ensureBucket();
    const [a, b, own] = tenants as [string, string, string];
    await registerRiskModel(store, trainRiskModel({ tenantId: own, version: 'mine', rows: 3_000 }));

    const first = await ensureSampleRiskModels({ store, train, tenants });
    assert.deepEqual(first.map((r) => [r.tenantId, r.version, r.registered]), [
      [a, SAMPLE_RISK_MODEL_VERSION, true],
      [b, SAMPLE_RISK_MODEL_VERSION, true],
      [own, 'mine', false],
    ]);
    assert.ok((first[0]?.testAuc ?? 0) > 0.7);
    const [ma, mb] = await Promise.all([readRiskModel(store, a, SAMPLE_RISK_MODEL_VERSION), readRiskModel(store, b, SAMPLE_RISK_MODEL_VERSION)]);
    assert.equal(ma.metadata.dataset.seed, `sample:${a}`);
    assert.notDeepEqual(ma.metadata.features.map((f) => f.weight), mb.metadata.features.map((f) => f.weight), 'the tenants’ models differ');

    const second = await ensureSampleRiskModels({ store, train, tenants });
    assert.deepEqual(second.map((r) => r.registered), [false, false, false]);
    assert.deepEqual(calls, [a, b], 'the second run trained nothing');
    assert.deepEqual(await listRiskModelVersions(store, a), [SAMPLE_RISK_MODEL_VERSION]);
    assert.deepEqual(await listRiskModelVersions(store, own), ['mine']);
  });
});
