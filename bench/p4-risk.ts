// @metis-bench needs-stack
// P4: risk scoring on onnxruntime. A tenant model trained by the project's script is registered
// in MinIO and loaded by the scorer the `metis-ai` workers use; then the same applicants are
// scored one call at a time (await each) and in batches of 1,000 (one inference per batch).
// Figures: throughput of both, latency percentiles of a single score (model cached, `latest`
// within its TTL: the hot path a workflow's scoreRisk activity takes).
//   npm run bench -- P4            (P4_SINGLE=5000 single calls, P4_BATCHED=100000 applicants batched)
import { createMinioObjectStore } from '@metis/activities/storage';
import { createRiskScorer, registerRiskModel } from '@metis/activities/risk';
import type { RiskFeatures } from '@metis/activities/risk';
import { generateApplicants, testConfig, trainRiskModel, uniqueTenantId } from '@metis/testing';
import { quantile } from './support/stats.ts';

const SINGLE = Number(process.env['P4_SINGLE'] ?? 5_000);
const BATCHED = Number(process.env['P4_BATCHED'] ?? 100_000);
const BATCH = 1_000;

const store = createMinioObjectStore(testConfig().objectStore);
await store.ensureBucket();
const tenant = uniqueTenantId('p4');
const model = trainRiskModel({ tenantId: tenant, version: 'v1' });
await registerRiskModel(store, model);
console.log(`P4: tenant ${tenant}, model v1 (${model.metadata.features.length} features, held-out AUC ${model.metadata.metrics.testAuc}) registered in MinIO`);
const scorer = createRiskScorer({ store });
const applicants: RiskFeatures[] = generateApplicants(tenant, 'p4-bench', 10_000).map((a) => a.features);
const pick = (i: number): RiskFeatures => applicants[i % applicants.length] as RiskFeatures;

// Warm up: load the model, settle the JIT.
for (let i = 0; i < 500; i++) await scorer.score(tenant, pick(i));
await scorer.scoreBatch(tenant, applicants.slice(0, BATCH));

const latencies: number[] = [];
const singleStart = performance.now();
for (let i = 0; i < SINGLE; i++) {
  const t0 = performance.now();
  await scorer.score(tenant, pick(i));
  latencies.push(performance.now() - t0);
}
const singleSeconds = (performance.now() - singleStart) / 1000;
const singleRate = SINGLE / singleSeconds;

let checksum = 0;
const batchStart = performance.now();
for (let done = 0; done < BATCHED; done += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, BATCHED - done) }, (_, k) => pick(done + k));
  const scores = await scorer.scoreBatch(tenant, batch);
  checksum += scores[0]?.risk_score ?? 0;
}
const batchSeconds = (performance.now() - batchStart) / 1000;
const batchRate = BATCHED / batchSeconds;
await scorer.dispose();
for (const o of await store.list(`models/risk-scoring/${tenant}/`)) await store.delete(o.key);

const p = (q: number): string => `${quantile(latencies, q).toFixed(3)} ms`;
console.log(`one at a time: ${SINGLE} scores in ${singleSeconds.toFixed(2)} s = ${singleRate.toFixed(0)} scores/s; latency p50 ${p(0.5)}, p90 ${p(0.9)}, p99 ${p(0.99)}, max ${p(1)}`);
console.log(`batched (${BATCH} per inference): ${BATCHED} scores in ${batchSeconds.toFixed(2)} s = ${batchRate.toFixed(0)} scores/s (checksum ${checksum.toFixed(3)})`);
console.log(`P4 ratio=${(quantile(latencies, 0.99) / 2).toFixed(3)} target<=1.0`);
console.log(`P4 ratio=${(batchRate / singleRate).toFixed(1)} target>=10`);
