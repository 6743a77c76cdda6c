import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { analyticsKey, analyticsManifestKey, analyticsReport, createAnalyticsActivities, exportAnalyticsDay, funnelSvg } from '@metis/activities/analytics';
import type { AnalyticsReport } from '@metis/activities/analytics';
import { createMinioObjectStore, createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { testConfig, uniqueTenantId } from '@metis/testing';

const config = testConfig();
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
const objects = createMinioObjectStore(config.objectStore);
const DAY = '2026-03-14';
const tenantA = uniqueTenantId('an-a');
const tenantB = uniqueTenantId('an-b');
const clock = new Date('2026-03-20T10:00:00.000Z');
const deps = { db, objects, now: () => clock };
const at = (time: string): string => `${DAY}T${time}Z`;
let exportMs = 0;

// Events of A on the day: 3 LOAN_APPLIED, 2 JOURNEY_STARTED, 3 provider health events; one already published.
const eventsA: { type: string; at: string; published?: string }[] = [
  { type: 'LOAN_APPLIED', at: at('00:00:00.000') },
  { type: 'LOAN_APPLIED', at: at('01:00:00.000'), published: '2026-03-14T01:00:01.000Z' },
  { type: 'LOAN_APPLIED', at: at('23:59:59.999') },
  { type: 'JOURNEY_STARTED', at: at('02:00:00.000') },
  { type: 'JOURNEY_STARTED', at: at('02:30:00.000') },
  { type: 'PROVIDER_BUREAU_A_UNHEALTHY', at: at('05:00:00.000') },
  { type: 'PROVIDER_BUREAU_A_HEALTHY', at: at('05:30:00.000') },
  { type: 'PROVIDER_BUREAU_A_UNHEALTHY', at: at('07:00:00.000') },
];
// Outside the day: never exported.
const outsideA = [
  { type: 'LOAN_APPLIED', at: '2026-03-13T23:59:59.999Z' },
  { type: 'LOAN_APPLIED', at: '2026-03-15T00:00:00.000Z' },
];
// A's loans: durations 1 s, 2 s, 3 s, 10 s → p50 2,500 ms, p95 3,000 + 0.85 × 7,000 = 8,950 ms.
const loansA = [
  { id: 'l1', outcome: 'approve', ms: 1_000 },
  { id: 'l2', outcome: 'approve', ms: 2_000 },
  { id: 'l3', outcome: 'reject', ms: 3_000 },
  { id: 'l4', outcome: 'manual_review', ms: 10_000 },
];

async function insertEvents(tenantId: string, rows: { type: string; at: string; published?: string }[]): Promise<void> {
  await withTenant(db, tenantId, (trx) =>
    trx
      .insertInto('events')
      .values(
        rows.map((r, i) => ({
          tenant_id: tenantId,
          event_type: r.type,
          aggregate_type: 'test',
          aggregate_id: `agg-${i}`,
          payload: JSON.stringify({ i }),
          idempotency_key: `${r.type}:${r.at}:${i}`,
          created_at: r.at,
          published_at: r.published === undefined ? null : new Date(r.published),
        })),
      )
      .execute(),
  );
}

async function insertLoans(tenantId: string, rows: { id: string; outcome: string; ms: number; decidedAt?: string }[]): Promise<void> {
  await withTenant(db, tenantId, (trx) =>
    trx
      .insertInto('loan_applications')
      .values(
        rows.map((r) => {
          const decided = new Date(r.decidedAt ?? at('12:00:00.000'));
          return {
            tenant_id: tenantId,
            application_id: r.id,
            workflow_id: `wf-${r.id}`,
            applicant_id: `app-${r.id}`,
            amount: 100_000,
            status: r.outcome === 'approve' ? 'approved' : r.outcome === 'reject' ? 'rejected' : 'manual_review',
            decision: JSON.stringify({ outcome: r.outcome, decidedBy: 'policy', reasons: [], ...(r.outcome === 'approve' ? { approvedAmount: 90_000 } : {}) }),
            decided_at: decided,
            created_at: new Date(decided.getTime() - r.ms),
          } as const;
        }),
      )
      .execute(),
  );
}

// Journeys of one type walking through states, each step a transition at a distinct time of the day.
async function insertJourneys(tenantId: string, journeyType: string, paths: string[][]): Promise<number> {
  let count = 0;
  await withTenant(db, tenantId, async (trx) => {
    for (const [j, path] of paths.entries()) {
      const journeyId = `${journeyType}-${j}`;
      await trx
        .insertInto('journeys')
        .values({ tenant_id: tenantId, journey_id: journeyId, journey_type: journeyType, applicant_id: `app-${j}`, workflow_id: `wf-${journeyId}`, config_version: 'v1', state: path.at(-1) ?? 's1', last_seq: path.length })
        .execute();
      for (const [s, state] of path.entries()) {
        await trx
          .insertInto('journey_transitions')
          .values({
            tenant_id: tenantId,
            journey_id: journeyId,
            seq: s + 1,
            config_version: 'v1',
            from_state: s === 0 ? null : (path[s - 1] ?? null),
            to_state: state,
            event_type: s === 0 ? 'START' : 'NEXT',
            actor: 'system',
            idempotency_key: `${journeyId}:${s}`,
            at: at(`${String(s + 1).padStart(2, '0')}:${String(j).padStart(2, '0')}:00.000`),
          })
          .execute();
        count += 1;
      }
    }
  });
  return count;
}

async function rejects(promise: Promise<unknown>, code: string, ...mentions: string[]): Promise<void> {
  await assert.rejects(promise, (error: Error & { code?: string; type?: string }) => {
    assert.equal(error.code ?? error.type, code);
    for (const text of mentions) assert.ok(error.message.includes(text), `${error.message} names ${text}`);
    return true;
  });
}

describe('analytics: a day of the outbox to Parquet with DuckDB, and the reports over it', () => {
  let transitionsA = 0;
  before(async () => {
    await objects.ensureBucket();
    for (const t of [tenantA, tenantB]) await withTenant(db, t, (trx) => trx.insertInto('tenants').values({ tenant_id: t, display_name: t, settings: '{}' }).execute());
    await insertEvents(tenantA, [...eventsA, ...outsideA]);
    await insertLoans(tenantA, [...loansA, { id: 'l5', outcome: 'approve', ms: 5_000, decidedAt: '2026-03-15T08:00:00.000Z' }]);
    // 5 journeys enter s1, 4 move on to s2, 2 reach done.
    transitionsA = await insertJourneys(tenantA, 'kyc', [['s1', 's2', 'done'], ['s1', 's2', 'done'], ['s1', 's2'], ['s1', 's2'], ['s1']]);
    await insertEvents(tenantB, [{ type: 'LOAN_REJECTED', at: at('09:00:00.000') }, { type: 'PROVIDER_X_UNHEALTHY', at: at('10:00:00.000') }]);
    await insertLoans(tenantB, [{ id: 'b1', outcome: 'reject', ms: 60_000 }]);
    await insertJourneys(tenantB, 'loan', [['applied']]);
    const started = performance.now();
    await exportAnalyticsDay(deps, { date: DAY, tenantIds: [tenantA, tenantB] });
    exportMs = performance.now() - started;
  });
  after(async () => {
    console.log(`analytics export of ${DAY} for two tenants: ${exportMs.toFixed(0)} ms`);
    await db.destroy();
  });

  test('writes each table and the manifest at the partitioned keys under each tenant prefix only', async () => {
    for (const t of [tenantA, tenantB]) {
      const keys = (await objects.list(`tenants/${t}/`)).map((o) => o.key).sort();
      const expected = [...['events', 'journey_transitions', 'loan_decisions'].map((table) => `tenants/${t}/analytics/date=${DAY}/tenant=${t}/${table}.parquet`), analyticsManifestKey(t, DAY)].sort();
      assert.deepEqual(keys, expected);
    }
    assert.equal(analyticsKey(tenantA, DAY, 'events'), `tenants/${tenantA}/analytics/date=${DAY}/tenant=${tenantA}/events.parquet`);
  });

  test("the report's counts equal the outbox's and tenant B sees nothing of A's", async () => {
    const a = await analyticsReport(deps, { tenantId: tenantA, from: DAY });
    assert.equal(a.events, eventsA.length);
    assert.deepEqual(a.eventsByType, { JOURNEY_STARTED: 2, LOAN_APPLIED: 3, PROVIDER_BUREAU_A_HEALTHY: 1, PROVIDER_BUREAU_A_UNHEALTHY: 2 });
    assert.equal(a.funnel.reduce((n, s) => n + s.entries, 0), transitionsA);
    assert.deepEqual(a.providerHealth, [
      { provider: 'BUREAU_A', unhealthyAt: at('05:00:00.000'), healthyAt: at('05:30:00.000') },
      { provider: 'BUREAU_A', unhealthyAt: at('07:00:00.000'), healthyAt: null },
    ]);
    const b = await analyticsReport(deps, { tenantId: tenantB, from: DAY, to: DAY });
    assert.equal(b.events, 2);
    assert.deepEqual(b.eventsByType, { LOAN_REJECTED: 1, PROVIDER_X_UNHEALTHY: 1 });
    assert.deepEqual(b.funnel, [{ journeyType: 'loan', state: 'applied', entries: 1, exits: 0, dropOff: 1 }]);
    assert.deepEqual(b.decisions, { total: 1, approve: 0, reject: 1, manualReview: 0, approvalRate: 0, rejectionRate: 1, reviewRate: 0 });
    assert.deepEqual(b.timeToDecisionMs, { p50: 60_000, p95: 60_000 });
    assert.deepEqual(b.providerHealth, [{ provider: 'X', unhealthyAt: at('10:00:00.000'), healthyAt: null }]);
  });

  test('funnel, decision rates and time to decision are exact for the scripted journeys and loans', async () => {
    const a: AnalyticsReport = await analyticsReport(deps, { tenantId: tenantA, from: DAY });
    assert.deepEqual(a.funnel, [
      { journeyType: 'kyc', state: 's1', entries: 5, exits: 4, dropOff: 1 },
      { journeyType: 'kyc', state: 's2', entries: 4, exits: 2, dropOff: 2 },
      { journeyType: 'kyc', state: 'done', entries: 2, exits: 0, dropOff: 2 },
    ]);
    assert.deepEqual(a.decisions, { total: 4, approve: 2, reject: 1, manualReview: 1, approvalRate: 0.5, rejectionRate: 0.25, reviewRate: 0.25 });
    assert.deepEqual(a.timeToDecisionMs, { p50: 2_500, p95: 8_950 });
    const svg = funnelSvg(a);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<g class="step">/g) ?? []).length, 3);
    assert.ok(svg.includes('5 in, 1 dropped') && svg.includes('4 in, 2 dropped') && svg.includes('2 in, 2 dropped'));
  });

  test('re-exporting the day rewrites the same objects without duplicates and marks the events published', async () => {
    const again = await exportAnalyticsDay(deps, { date: DAY, tenantIds: [tenantA, tenantB] });
    assert.deepEqual(
      again.objects.filter((o) => o.tenantId === tenantA).map((o) => [o.key, o.rows]),
      [
        [analyticsKey(tenantA, DAY, 'events'), eventsA.length],
        [analyticsKey(tenantA, DAY, 'journey_transitions'), transitionsA],
        [analyticsKey(tenantA, DAY, 'loan_decisions'), loansA.length],
      ],
    );
    assert.equal((await objects.list(`tenants/${tenantA}/`)).length, 4);
    const a = await analyticsReport(deps, { tenantId: tenantA, from: DAY });
    assert.equal(a.events, eventsA.length);
    assert.equal(a.decisions.total, loansA.length);
    const rows = await withTenant(db, tenantA, (trx) => trx.selectFrom('events').select(['created_at', 'published_at']).orderBy('created_at').execute());
    for (const row of rows) {
      const inDay = row.created_at.toISOString().startsWith(DAY);
      const earlier = eventsA.find((e) => e.published !== undefined && e.at === row.created_at.toISOString());
      if (earlier?.published !== undefined) assert.equal(row.published_at?.toISOString(), earlier.published);
      else assert.equal(row.published_at?.toISOString() ?? null, inDay ? clock.toISOString() : null);
    }
  });

  test('bad input: an unknown tenant, a future or malformed date, a missing day → clear typed errors', async () => {
    const nobody = uniqueTenantId('an-none');
    await rejects(exportAnalyticsDay(deps, { date: DAY, tenantIds: [nobody] }), 'ANALYTICS_TENANT_UNKNOWN', nobody);
    await rejects(analyticsReport(deps, { tenantId: nobody, from: DAY }), 'ANALYTICS_TENANT_UNKNOWN', nobody);
    await rejects(exportAnalyticsDay(deps, { date: '2026-03-21', tenantIds: [tenantA] }), 'ANALYTICS_DATE_INVALID', '2026-03-21');
    await rejects(exportAnalyticsDay(deps, { date: '2026-02-30', tenantIds: [tenantA] }), 'ANALYTICS_DATE_INVALID', '2026-02-30');
    await rejects(analyticsReport(deps, { tenantId: tenantA, from: '2026-3-14' }), 'ANALYTICS_DATE_INVALID');
    await rejects(analyticsReport(deps, { tenantId: tenantA, from: '2026-03-13', to: DAY }), 'ANALYTICS_DAY_MISSING', '2026-03-13');
    const activities = createAnalyticsActivities(deps);
    await assert.rejects(activities.analyticsReport({ tenantId: tenantA, from: '2026-03-15' }), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure);
      assert.equal(error.type, 'ANALYTICS_DAY_MISSING');
      assert.equal(error.nonRetryable, true);
      return true;
    });
  });

  test('a corrupt Parquet file is reported by its key, never skipped', async () => {
    const key = analyticsKey(tenantB, DAY, 'events');
    await objects.put(key, new TextEncoder().encode('this is not parquet at all, just garbage bytes'));
    await rejects(analyticsReport(deps, { tenantId: tenantB, from: DAY }), 'ANALYTICS_FILE_CORRUPT', key);
    await exportAnalyticsDay(deps, { date: DAY, tenantIds: [tenantB] });
    assert.equal((await analyticsReport(deps, { tenantId: tenantB, from: DAY })).events, 2);
  });
});
