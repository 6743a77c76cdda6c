import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import { ANALYTICS_SCHEDULE_ID, createMetis } from '@metis/sdk';
import type { Metis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId, uniqueTenantId, waitFor } from '@metis/testing';

// The analytics export on a Temporal Schedule, and reports through the light client, end to end.
// The schedule is global: the test removes any left over, and deletes it at the end.
const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('analytics') } });
const tenantId = uniqueTenantId('an-rep');
const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const date = day(-10);
let workers: MetisWorkers;
let metis: Metis;

const deleteSchedule = (): Promise<void> => metis.temporal.schedule.getHandle(ANALYTICS_SCHEDULE_ID).delete().catch(() => undefined);

describe('metis.analytics', () => {
  before(async () => {
    workers = await createWorkers({ config, pools: { default: {} } });
    metis = await createMetis({ ...config, tenants: [{ tenantId, displayName: 'Analytics' }] });
    await deleteSchedule();
    const db = createPgDatabase(config.database);
    try {
      await withTenant(db, tenantId, (trx) =>
        trx
          .insertInto('events')
          .values(
            ['journey.started', 'journey.started', 'journey.completed'].map((event_type, i) => ({
              tenant_id: tenantId,
              event_type,
              aggregate_type: 'journey',
              aggregate_id: `j-${i}`,
              payload: JSON.stringify({ i }),
              idempotency_key: uniqueId('ev'),
              created_at: new Date(`${date}T12:00:0${i}Z`),
            })),
          )
          .execute(),
      );
    } finally {
      await db.destroy();
    }
  });
  after(async () => {
    await deleteSchedule();
    await metis.close();
    await workers.shutdown();
  });

  test('ensureSchedule creates the daily schedule once; triggerExport runs an export that completes', async () => {
    const first = await metis.analytics.ensureSchedule();
    assert.deepEqual(first, { scheduleId: 'metis-analytics-export', created: true });
    const handle = metis.temporal.schedule.getHandle(ANALYTICS_SCHEDULE_ID);
    const described = await handle.describe();
    assert.equal(described.spec.timezone, 'UTC');
    assert.deepEqual(described.spec.calendars?.[0]?.hour, [{ start: 2, end: 2, step: 1 }]);
    assert.deepEqual(described.spec.calendars?.[0]?.minute, [{ start: 0, end: 0, step: 1 }]);
    assert.equal(described.action.type, 'startWorkflow');
    assert.equal(described.action.workflowType, 'analyticsExportWorkflow');
    assert.deepEqual(await metis.analytics.ensureSchedule(), { scheduleId: 'metis-analytics-export', created: false });
    const list: string[] = [];
    for await (const s of metis.temporal.schedule.list()) if (s.scheduleId === ANALYTICS_SCHEDULE_ID) list.push(s.scheduleId);
    assert.equal(list.length, 1);

    await metis.analytics.triggerExport();
    const workflowId = await waitFor(async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId, 30_000, 'the triggered export');
    const exported = (await metis.temporal.workflow.getHandle(workflowId).result()) as { date: string; objects: { tenantId: string }[] };
    assert.equal(exported.date, day(-1));
    // The schedule exports every active tenant: this test's among them.
    assert.ok(exported.objects.some((o) => o.tenantId === tenantId), JSON.stringify(exported.objects.slice(0, 3)));
    assert.ok(exported.objects.length > 0);

    // Other settings update the schedule in place.
    assert.deepEqual(await metis.analytics.ensureSchedule({ cron: '30 3 * * *' }), { scheduleId: 'metis-analytics-export', created: false });
    assert.deepEqual((await handle.describe()).spec.calendars?.[0]?.hour, [{ start: 3, end: 3, step: 1 }]);
  });

  test('export(date) writes the day; the tenant report counts its events; bad input gives the analytics codes', async () => {
    const exported = await metis.analytics.export(date);
    assert.equal(exported.date, date);
    const events = exported.objects.find((o) => o.tenantId === tenantId && o.table === 'events');
    assert.equal(events?.rows, 3);
    const again = await metis.analytics.export(date);
    assert.deepEqual(again.objects.map((o) => o.rows), exported.objects.map((o) => o.rows));

    const report = await metis.tenant(tenantId).analytics.report({ from: date });
    assert.equal(report.tenantId, tenantId);
    assert.equal(report.events, 3);
    assert.equal(report.eventsByType['journey.started'], 2);
    assert.equal(report.eventsByType['journey.completed'], 1);

    await assert.rejects(metis.analytics.export(date, { tenantIds: [uniqueTenantId('ghost')] }), { name: 'MetisError', code: 'ANALYTICS_TENANT_UNKNOWN' });
    await assert.rejects(metis.analytics.export(day(5)), { code: 'ANALYTICS_DATE_INVALID' });
    await assert.rejects(metis.tenant(tenantId).analytics.report({ from: day(-400) }), { code: 'ANALYTICS_DAY_MISSING' });
  });
});
