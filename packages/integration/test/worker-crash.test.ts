import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';
import { createMetis, taskQueueName } from '@metis/sdk';
import type { Metis } from '@metis/sdk';
import { testConfig, uniqueId, waitFor } from '@metis/testing';
import { pansWithScore, startLoanWorld, testTenant } from './support/loan-services.ts';
import type { LoanWorld } from './support/loan-services.ts';

const APPLICATIONS = 50;
const prefix = uniqueId('crash');
const config = testConfig({ temporal: { taskQueuePrefix: prefix } });
const acme = sampleTenants.acme.tenantId;
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
const workerScript = fileURLToPath(new URL('./support/loan-worker.ts', import.meta.url));
let world: LoanWorld;
let metis: Metis;
const children: ChildProcess[] = [];

async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=metis-source', workerScript], {
    env: {
      ...process.env,
      LOAN_TASK_QUEUE_PREFIX: prefix,
      LOAN_WEBHOOK_URL: world.webhooks.url,
      LOAN_WEBHOOK_SECRET: world.webhooks.secret,
      LOAN_BUREAU_A: world.bureauA.url,
      LOAN_BUREAU_B: world.bureauB.url,
      LOAN_PAYMENTS: world.payments.url,
      LOAN_PAYMENTS_KEY: world.payments.apiKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr.slice(-2000)}`)));
  });
  return child;
}

async function decided(ids: readonly string[]): Promise<number> {
  const rows = await withTenant(db, acme, (trx) => trx.selectFrom('loan_applications').select('application_id').where('application_id', 'in', [...ids]).where('decision', 'is not', null).execute());
  return rows.length;
}

describe('a worker killed in the middle of 50 applications', () => {
  before(async () => {
    world = await startLoanWorld();
    metis = await createMetis({ ...config, tenants: [testTenant('acme', { url: world.webhooks.url, secret: world.webhooks.secret })] });
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await metis.close();
    await world.close();
    await db.destroy();
  });

  test('restarted, it finishes all 50 with one decision, one payout and one notification each', { timeout: 240_000 }, async () => {
    const first = await startWorker();
    const pans = pansWithScore(780, 900, APPLICATIONS);
    const ids = pans.map(() => uniqueId('crash-app'));
    await Promise.all(
      pans.map((pan, i) =>
        metis.tenant(acme).loans.apply({
          applicationId: ids[i] as string,
          amount: 200_000 + i * 1_000,
          tenureMonths: 24,
          kycStatus: 'done',
          applicant: { applicantId: `crash-cust-${i}`, name: 'Crash Test', pan, dateOfBirth: '1988-08-08', monthlyIncome: 120_000, employmentType: 'salaried' },
        }),
      ),
    );
    const before = await waitFor(async () => {
      const n = await decided(ids);
      return n >= 5 ? n : undefined;
    }, 60_000, 'the first decisions');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    assert.ok(before < APPLICATIONS, `the worker was killed mid-way (${before} decided)`);

    await startWorker();
    await waitFor(async () => {
      let open = 0;
      for await (const _ of metis.temporal.workflow.list({ query: `TaskQueue = '${taskQueueName('default', prefix)}' AND ExecutionStatus = 'Running'` })) open += 1;
      const done = await decided(ids);
      return open === 0 && done === APPLICATIONS ? true : undefined;
    }, 200_000, 'every application to finish');

    const rows = await withTenant(db, acme, async (trx) => ({
      apps: await trx.selectFrom('loan_applications').select(['application_id', 'status']).where('application_id', 'in', ids).execute(),
      notifications: await trx.selectFrom('notifications').select(['idempotency_key', 'status', 'notification_id']).where('idempotency_key', 'in', ids.map((id) => `loan:${id}:decision:webhook`)).execute(),
      decisions: await trx.selectFrom('events').select(['aggregate_id']).where('aggregate_id', 'in', ids).where('event_type', 'in', ['LOAN_APPROVED', 'LOAN_REJECTED']).execute(),
    }));
    assert.equal(rows.apps.length, APPLICATIONS);
    assert.ok(rows.apps.every((a) => a.status === 'disbursed'), JSON.stringify(rows.apps.filter((a) => a.status !== 'disbursed')));
    assert.equal(rows.decisions.length, APPLICATIONS, 'one decision event per application');
    assert.equal(rows.notifications.length, APPLICATIONS, 'one notification per application');
    assert.ok(rows.notifications.every((n) => n.status === 'delivered'));

    const hooks = world.webhooks.received().filter((h) => ids.includes(String(h.body.data['applicationId'])));
    const perApplication = new Map<string, Set<string>>();
    for (const h of hooks) {
      const id = String(h.body.data['applicationId']);
      perApplication.set(id, (perApplication.get(id) ?? new Set()).add(h.deliveryId));
    }
    assert.equal(perApplication.size, APPLICATIONS, 'every application was notified');
    for (const [id, deliveries] of perApplication) assert.equal(deliveries.size, 1, `${id} was notified under ${deliveries.size} delivery ids`);
    assert.ok(hooks.every((h) => h.signatureValid));
    const transfers = world.payments.transfers().filter((t) => ids.some((id) => t.reference === `${acme}:${id}`));
    assert.equal(transfers.length, APPLICATIONS, 'one payout per application');
  });
});
