// Train a tenant's risk-scoring model on the documented synthetic applicant population
// (README.md next to this file), report its held-out AUC, and write it as ONNX plus metadata —
// to a directory and/or into the model registry in the object store.
//   bash scripts/node.sh tools/risk/train-risk-model.ts --tenant acme [--version v1]
//        [--rows 20000] [--seed S] [--out DIR] [--register] [--no-latest]
// --out defaults to .metis/models/risk-scoring/<tenant>; --register stores
// models/risk-scoring/<tenant>/<version>.onnx and .json in METIS_S3_* (MinIO by default) and points
// the tenant's `latest` at it (unless --no-latest).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkRiskModel, registerRiskModel } from '@metis/activities/risk';
import { createMinioObjectStore } from '@metis/activities/storage';
import { isTenantId } from '@metis/activities/tenancy';
import { trainRiskModel } from '@metis/testing';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    version: { type: 'string' },
    rows: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    out: { type: 'string' },
    register: { type: 'boolean', default: false },
    'no-latest': { type: 'boolean', default: false },
  },
});
if (!values.tenant || !isTenantId(values.tenant)) {
  process.stderr.write('usage: train-risk-model.ts --tenant <tenant-id> [--version v1] [--rows 20000] [--seed S] [--out DIR] [--register]\n');
  process.exit(2);
}
const tenantId = values.tenant;
const version = values.version ?? `v${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}`;
const rows = Number(values.rows);
const started = performance.now();
const model = trainRiskModel({ tenantId, version, rows, ...(values.seed ? { seed: values.seed } : {}) });
const m = model.metadata.metrics;
process.stdout.write(
  `trained ${tenantId}/${version} on ${m.trainRows} applicants in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
    `held-out AUC ${m.testAuc} on ${m.testRows} (train AUC ${m.trainAuc}, log loss ${m.testLogLoss}, default rate ${m.positiveRate})\n`,
);
for (const f of model.metadata.features) process.stdout.write(`  ${f.name.padEnd(20)} weight ${f.weight.toFixed(4).padStart(8)} (per standard deviation)\n`);

// Check the encoded graph with onnxruntime before anything is written.
await checkRiskModel(model);
process.stdout.write('onnxruntime loads the model; its logits and contributions match the metadata\n');

const dir = resolve(values.out ?? join('.metis/models/risk-scoring', tenantId));
await mkdir(dir, { recursive: true });
await writeFile(join(dir, `${version}.onnx`), model.onnx);
await writeFile(join(dir, `${version}.json`), `${JSON.stringify(model.metadata, null, 2)}\n`);
process.stdout.write(`wrote ${join(dir, `${version}.onnx`)} (${model.onnx.byteLength} bytes) and ${version}.json\n`);

if (values.register) {
  const store = createMinioObjectStore({
    endpoint: process.env['METIS_S3_ENDPOINT'] ?? 'http://127.0.0.1:9000',
    accessKey: process.env['METIS_S3_ACCESS_KEY'] ?? 'metis',
    secretKey: process.env['METIS_S3_SECRET_KEY'] ?? 'metis-dev-secret',
    bucket: process.env['METIS_S3_BUCKET'] ?? 'metis',
  });
  await store.ensureBucket();
  const keys = await registerRiskModel(store, model, { makeLatest: !values['no-latest'] });
  process.stdout.write(`registered ${keys.onnxKey}${values['no-latest'] ? '' : ' as latest'}\n`);
}
