import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigurationError, createMetis, loadConfigFromEnv } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import { testConfig } from '@metis/testing';

const run = promisify(execFile);
const cli = fileURLToPath(new URL(import.meta.resolve('@metis/cli')));
const tenants = [{ tenantId: 'cfg-test', displayName: 'Config test' }];

async function failsWith(work: Promise<unknown>, code: string, hint: RegExp): Promise<number> {
  const started = performance.now();
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, `expected ConfigurationError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, hint);
    return true;
  });
  return performance.now() - started;
}

describe('bad configuration fails fast with a message that says what to do', () => {
  test('Temporal missing', async () => {
    const config = testConfig({ temporal: { address: '127.0.0.1:1' } });
    const ms = await failsWith(createMetis({ ...config, tenants }), 'TEMPORAL_UNREACHABLE', /npm run stack -- up|METIS_TEMPORAL_ADDRESS/);
    assert.ok(ms < 15_000, `took ${ms} ms`);
    await failsWith(createWorkers({ config }), 'TEMPORAL_UNREACHABLE', /METIS_TEMPORAL_ADDRESS/);
  });

  test('PostgreSQL unreachable', async () => {
    const config = testConfig({ database: { url: 'postgres://metis_app:metis_app@127.0.0.1:1/metis_test' } });
    await failsWith(createMetis({ ...config, tenants }), 'DATABASE_UNREACHABLE', /DATABASE_URL/);
  });

  test('PostgreSQL database missing', async () => {
    const config = testConfig({ database: { url: 'postgres://metis_app:metis_app@127.0.0.1:5432/metis_does_not_exist' } });
    await failsWith(createMetis({ ...config, tenants }), 'DATABASE_MISSING', /metis db provision/);
  });

  test('MinIO with the wrong credentials', async () => {
    const config = testConfig({ objectStore: { secretKey: 'wrong-secret' } });
    await failsWith(createMetis({ ...config, tenants }), 'OBJECT_STORE_AUTH_FAILED', /METIS_S3_SECRET_KEY/);
  });

  test('malformed URLs are refused when the configuration is read', () => {
    assert.throws(() => loadConfigFromEnv({ DATABASE_URL: 'not a url' }), { code: 'INVALID_CONFIG', message: /DATABASE_URL is not a URL/ });
    assert.throws(() => loadConfigFromEnv({ METIS_S3_ENDPOINT: 'ftp://x' }), { code: 'INVALID_CONFIG' });
  });

  test('a task queue prefix is checked before anything connects; the separator is added for it', async () => {
    assert.equal(loadConfigFromEnv({ METIS_TASK_QUEUE_PREFIX: 'acme' }).temporal.taskQueuePrefix, 'acme');
    assert.equal(loadConfigFromEnv({ METIS_TASK_QUEUE_PREFIX: '' }).temporal.taskQueuePrefix, undefined, 'empty is unset');
    for (const bad of ['acme-', 'ac me', 'acme/x']) {
      assert.throws(() => loadConfigFromEnv({ METIS_TASK_QUEUE_PREFIX: bad }), { code: 'INVALID_CONFIG', message: /METIS_TASK_QUEUE_PREFIX .* is not a task queue prefix.*e\.g\. acme, for acme-metis-default/ });
    }
    // An unreachable Temporal would fail later: the prefix is refused first.
    const config = testConfig({ temporal: { address: '127.0.0.1:1', taskQueuePrefix: 'acme-' } });
    await failsWith(createMetis({ ...config, tenants }), 'INVALID_CONFIG', /temporal\.taskQueuePrefix "acme-" is not a task queue prefix/);
    await failsWith(createWorkers({ config }), 'INVALID_CONFIG', /temporal\.taskQueuePrefix "acme-"/);
    await failsWith(createMetis({ ...testConfig({ temporal: { taskQueuePrefix: '' } }), tenants }), 'INVALID_CONFIG', /taskQueuePrefix ""/);
  });

  test('the CLI prints one clear line and no stack trace', async () => {
    const env = { ...process.env, METIS_MIGRATION_DATABASE_URL: 'postgres://metis_owner:metis_owner@127.0.0.1:1/metis_test' };
    const result = await run(process.execPath, ['--conditions=metis-source', cli, 'db', 'migrate'], { env }).then(
      () => assert.fail('the command should fail'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^metis: PostgreSQL at postgres:\/\/metis_owner:\*\*\*@127\.0\.0\.1:1\/metis_test is unreachable/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
});
