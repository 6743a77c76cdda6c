import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { RecordDocumentInput } from '@metis/activities/documents';
import { ConfigurationError, createMetis, loadConfigFromEnv } from '@metis/sdk';
import { bundleMetisWorkflows, createWorkers } from '@metis/worker';
import { documentIntakeWorkflow } from '@metis/workflows';
import { testConfig, uniqueId, waitFor } from '@metis/testing';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('src/main.ts', import.meta.resolve('@metis/cli/package.json')));
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
    // The old convention put the separator in the variable: `acme-` still means acme-metis-*.
    assert.equal(loadConfigFromEnv({ METIS_TASK_QUEUE_PREFIX: 'acme-' }).temporal.taskQueuePrefix, 'acme');
    assert.equal(loadConfigFromEnv({ METIS_TASK_QUEUE_PREFIX: 'eu.prod_2-' }).temporal.taskQueuePrefix, 'eu.prod_2');
    for (const bad of ['acme--', '-', 'ac me', 'acme/x', 'ac me-']) {
      assert.throws(() => loadConfigFromEnv({ METIS_TASK_QUEUE_PREFIX: bad }), (error: ConfigurationError) => {
        assert.equal(error.code, 'INVALID_CONFIG');
        assert.ok(error.message.startsWith(`METIS_TASK_QUEUE_PREFIX ${JSON.stringify(bad)} is not a task queue prefix`), error.message);
        assert.match(error.message, /e\.g\. acme, for acme-metis-default/);
        return true;
      });
    }
    // An unreachable Temporal would fail later: the prefix is refused first. In code the prefix
    // is given without the separator; the hint says so.
    const config = testConfig({ temporal: { address: '127.0.0.1:1', taskQueuePrefix: 'acme-' } });
    await failsWith(createMetis({ ...config, tenants }), 'INVALID_CONFIG', /temporal\.taskQueuePrefix "acme-" is not a task queue prefix.*Drop the trailing '-': acme gives acme-metis-default/);
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

describe('workflows started on queues named under the old prefix rules', () => {
  // Before prefixes were joined with '-', prefix `p` named the queue `pmetis-default`. A workflow
  // started then recovers its prefix from its own queue; its activities must go where today's
  // workers poll, and a recovered prefix that today's check refuses must not fail its tasks.
  test('route their activities to the current queues and never fail a workflow task', async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Installed already in this process.
    }
    const { address, namespace } = testConfig().temporal;
    const base = uniqueId('oldq');
    const cases = [
      { queue: `${base}metis-default`, activities: `${base}-metis-default`, why: 'prefix without separator: recovered, joined with one' },
      { queue: `${base}--metis-default`, activities: `${base}--metis-default`, why: `prefix ${base}-: refused by the check, used as is` },
    ];
    const client = new Client({ connection: await Connection.connect({ address }), namespace });
    const connection = await NativeConnection.connect({ address });
    const workflowBundle = await bundleMetisWorkflows();
    // Nothing polls the activity queues: the test reads where the first activity was scheduled.
    const input: RecordDocumentInput = { tenantId: 'old-queues', documentId: 'doc-1', kind: 'pan', objectKey: 'old-queues/doc-1' };
    try {
      for (const c of cases) {
        const worker = await Worker.create({ connection, namespace, taskQueue: c.queue, workflowBundle });
        await worker.runUntil(async () => {
          const handle = await client.workflow.start(documentIntakeWorkflow, { taskQueue: c.queue, workflowId: uniqueId('old-queue'), args: [input] });
          try {
            const outcome = await waitFor(
              async () => {
                const events = (await handle.fetchHistory()).events ?? [];
                const failed = events.find((e) => e.workflowTaskFailedEventAttributes);
                if (failed) return `workflow task failed: ${failed.workflowTaskFailedEventAttributes?.failure?.message ?? '?'}`;
                return events.find((e) => e.activityTaskScheduledEventAttributes)?.activityTaskScheduledEventAttributes?.taskQueue?.name ?? undefined;
              },
              30_000,
              `the first activity of the workflow on ${c.queue}`,
            );
            assert.equal(outcome, c.activities, c.why);
          } finally {
            await handle.terminate();
          }
        });
      }
    } finally {
      await connection.close();
      await client.connection.close();
    }
  });
});
