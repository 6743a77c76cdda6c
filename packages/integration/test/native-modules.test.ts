import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));

// A module hook that makes one package impossible to resolve, as on a machine that never installed it.
const hide = (name: string): string =>
  `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  if (specifier === ${JSON.stringify(name)} || specifier.startsWith(${JSON.stringify(`${name}/`)})) {
    const error = new Error("Cannot find package '${name}' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}\`));`)}`;

// Start workers that register one AI activity, with its native library hidden. The script is ESM
// by syntax: \`--input-type\` would be inherited by the workflow worker thread, which refuses it.
const startWorkers = (activity: string): string => `
import { loadConfigFromEnv } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
const base = loadConfigFromEnv();
try {
  const config = { ...base, temporal: { ...base.temporal, taskQueuePrefix: 'native-' + process.pid } };
  const workers = await createWorkers({ config, activities: { ${activity}: async () => ({}) } });
  await workers.shutdown();
  console.log(JSON.stringify({ started: true }));
} catch (error) {
  console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }));
}
`;

async function attempt(hidden: string, activity: string): Promise<{ started?: boolean; name?: string; code?: string; message?: string }> {
  const { stdout } = await run(process.execPath, ['--conditions=metis-source', '--import', hide(hidden), '-e', startWorkers(activity)], { cwd: here });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { started?: boolean; name?: string; code?: string; message?: string };
}

describe('a worker whose AI library is not installed', () => {
  for (const [hidden, activity] of [
    ['onnxruntime-node', 'scoreRisk'],
    ['sharp', 'processDocument'],
    ['node-llama-cpp', 'analyzeApplication'],
  ] as const) {
    test(`registering ${activity} without ${hidden} fails at start with a ConfigurationError naming it`, async () => {
      const result = await attempt(hidden, activity);
      assert.equal(result.name, 'ConfigurationError');
      assert.equal(result.code, 'NATIVE_MODULE_MISSING');
      assert.match(result.message ?? '', new RegExp(`npm install ${hidden}@`));
    });
  }

  test('a worker without AI activities starts with every AI library hidden', async () => {
    const result = await attempt('onnxruntime-node', 'somethingElse');
    assert.deepEqual(result, { started: true });
  });
});
