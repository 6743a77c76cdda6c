// @metis-bench needs-stack
// P9: the daily report's queries over 1,000,000 synthetic outbox events (30 days, 20 tenants):
// the same SQL (events by type, provider health periods) on PostgreSQL's `events` table with its
// indexes vs DuckDB over the Parquet files Metis' export wrote for those days. Each tenant's
// 30-day report is run in turn on both; the ratio is PostgreSQL time / DuckDB time (sum over
// tenants, after one warm-up round). Also printed: the export's time per million events, and the
// end-to-end `analyticsReport` (download from MinIO + every query) beside the bare query time.
//   npm run bench -- P9            (P9_EVENTS=1000000, P9_TENANTS=20, P9_DAYS=30)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ANALYTICS_TABLES, analyticsKey, analyticsManifestKey, analyticsReport, EVENTS_BY_TYPE_SQL, exportAnalyticsDay, PROVIDER_HEALTH_SQL, withDuckDb } from '@metis/activities/analytics';
import type { DuckConnection } from '@metis/activities/analytics';
import { createMinioObjectStore, createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { testConfig, uniqueTenantId } from '@metis/testing';

const EVENTS = Number(process.env['P9_EVENTS'] ?? 1_000_000);
const TENANTS = Number(process.env['P9_TENANTS'] ?? 20);
const DAYS = Number(process.env['P9_DAYS'] ?? 30);
const TARGET = 5;

const config = testConfig();
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 4, min: 0 } });
// The load bypasses row-level security (one INSERT … SELECT per tenant); the queries run as the application role.
const adminUrl = new URL(process.env['METIS_ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
adminUrl.pathname = new URL(config.database.url).pathname;
const admin = createPgDatabase<MetisDatabase>({ url: adminUrl.toString(), pool: { max: 2, min: 0 } });
const store = createMinioObjectStore(config.objectStore);
await store.ensureBucket();

const tenants = Array.from({ length: TENANTS }, (_, i) => uniqueTenantId(`p9-${i}`));
const lastDay = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 2));
const days = Array.from({ length: DAYS }, (_, i) => new Date(lastDay.getTime() - (DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10));
const [from, to] = [days[0] as string, days.at(-1) as string];
const perTenant = Math.floor(EVENTS / TENANTS);
const TYPES = ['JOURNEY_STEP_COMPLETED', 'DOCUMENT_UPLOADED', 'PAN_OCR_PROCESSED', 'LOAN_APPLIED', 'LOAN_APPROVED', 'LOAN_REJECTED', 'NOTIFICATION_SENT', 'PROVIDER_ALPHA_UNHEALTHY', 'PROVIDER_ALPHA_HEALTHY'];

const ms = (t0: number): number => performance.now() - t0;
const fmt = (v: number): string => v.toFixed(1);

try {
  console.log(`P9: ${(perTenant * TENANTS).toLocaleString('en')} events, ${TENANTS} tenants × ${DAYS} days (${from} … ${to}), PostgreSQL vs DuckDB over Parquet`);
  let t0 = performance.now();
  for (const tenant of tenants) {
    await withTenant(db, tenant, (trx) => trx.insertInto('tenants').values({ tenant_id: tenant, display_name: tenant, settings: '{}' }).execute());
    // Spread over the days and the types; provider events are rare (one in 500), as in a real outbox.
    await sql`
      insert into events (tenant_id, event_type, aggregate_type, aggregate_id, payload, idempotency_key, created_at)
      select ${tenant},
        case when i % 500 = 0 then 'PROVIDER_ALPHA_UNHEALTHY' when i % 500 = 250 then 'PROVIDER_ALPHA_HEALTHY' else (${sql.raw(`array[${TYPES.slice(0, 7).map((t) => `'${t}'`).join(',')}]`)})[1 + i % 7] end,
        'journey', 'j-' || (i % 5000), jsonb_build_object('seq', i), ${tenant} || ':p9:' || i,
        ${`${from}T00:00:00Z`}::timestamptz + (i::double precision / ${sql.raw(String(perTenant))}) * interval '${sql.raw(String(DAYS))} days'
      from generate_series(0, ${sql.raw(String(perTenant - 1))}) as i`.execute(admin);
  }
  await sql`analyze events`.execute(admin);
  console.log(`load: ${fmt(ms(t0) / 1000)} s into PostgreSQL (the outbox table with its indexes)`);

  t0 = performance.now();
  let exported = 0;
  for (const day of days) {
    const result = await exportAnalyticsDay({ db, objects: store }, { date: day, tenantIds: tenants });
    exported += result.objects.filter((o) => o.table === 'events').reduce((n, o) => n + o.rows, 0);
  }
  const exportSeconds = ms(t0) / 1000;
  console.log(`export: ${exported.toLocaleString('en')} events in ${fmt(exportSeconds)} s = ${fmt(exportSeconds / (exported / 1_000_000))} s per million events (${DAYS} days × ${TENANTS} tenants, 3 tables each)`);

  // The tenant's Parquet files, downloaded once: the query time below is DuckDB's alone.
  const dir = await mkdtemp(join(tmpdir(), 'metis-p9-'));
  const files = new Map<string, string[]>();
  t0 = performance.now();
  for (const tenant of tenants) {
    const paths: string[] = [];
    for (const day of days) {
      const path = join(dir, `${tenant}-${day}.parquet`);
      await writeFile(path, await store.get(analyticsKey(tenant, day, 'events')));
      paths.push(path);
    }
    files.set(tenant, paths);
  }
  console.log(`download: ${fmt(ms(t0) / 1000)} s for ${TENANTS * DAYS} Parquet files`);

  const queries = { eventsByType: EVENTS_BY_TYPE_SQL, providerHealth: PROVIDER_HEALTH_SQL };
  const pgRun = async (tenant: string): Promise<number> => {
    let rows = 0;
    for (const query of Object.values(queries)) {
      // The same SQL, its `events` the tenant's rows of the range, read through the indexes under row-level security.
      const wrapped = `with events as (select * from public.events where tenant_id = $1 and created_at >= $2::timestamptz and created_at < $3::timestamptz + interval '1 day') select * from (${query}) q`;
      const { rows: out } = await withTenant(db, tenant, (trx) => sql.raw<Record<string, unknown>>(wrapped.replace('$1', `'${tenant}'`).replace('$2', `'${from}'`).replace('$3', `'${to}'`)).execute(trx));
      rows += out.length;
    }
    return rows;
  };
  // One DuckDB for the run, as a reporting worker keeps one: each tenant's report is a view over its files.
  let duck: DuckConnection | undefined;
  let closeDuck: () => void = () => undefined;
  const opened = new Promise<void>((ready) => {
    void withDuckDb((connection) => {
      duck = connection;
      ready();
      return new Promise<void>((release) => {
        closeDuck = release;
      });
    });
  });
  await opened;
  const duckRun = async (tenant: string): Promise<number> => {
    const connection = duck as DuckConnection;
    const paths = (files.get(tenant) ?? []).map((p) => `'${p}'`).join(', ');
    await connection.run(`create or replace view events as select * from read_parquet([${paths}])`);
    let rows = 0;
    for (const query of Object.values(queries)) rows += (await connection.runAndReadAll(query)).getRowObjectsJson().length;
    return rows;
  };

  // One warm-up round each (caches, JIT, DuckDB's first load), then the measured round.
  for (const tenant of tenants.slice(0, 2)) {
    await pgRun(tenant);
    await duckRun(tenant);
  }
  let pgMs = 0;
  let duckMs = 0;
  for (const tenant of tenants) {
    let t = performance.now();
    const a = await pgRun(tenant);
    pgMs += ms(t);
    t = performance.now();
    const b = await duckRun(tenant);
    duckMs += ms(t);
    if (a !== b) throw new Error(`${tenant}: PostgreSQL returned ${a} rows, DuckDB ${b}: the two do not agree`); // row counts only: the values are compared by the analytics tests
  }
  t0 = performance.now();
  const report = await analyticsReport({ objects: store }, { tenantId: tenants[0] as string, from, to });
  const endToEnd = ms(t0);
  console.log(`queries (events by type, provider health; ${TENANTS} tenants × ${DAYS}-day range): PostgreSQL ${fmt(pgMs)} ms, DuckDB ${fmt(duckMs)} ms (${fmt(pgMs / TENANTS)} vs ${fmt(duckMs / TENANTS)} ms per tenant)`);
  console.log(`end to end, one tenant's full analyticsReport (download ${DAYS * 3} files + funnel, decisions, events, provider health): ${fmt(endToEnd)} ms, ${report.events.toLocaleString('en')} events`);
  closeDuck();
  await rm(dir, { recursive: true, force: true });
  console.log(`P9 ratio=${(pgMs / duckMs).toFixed(2)} target>=${TARGET}`);
} finally {
  // Leave nothing behind: the exported objects, then the rows.
  for (const tenant of tenants) {
    for (const day of days) {
      for (const key of [...ANALYTICS_TABLES.map((t) => analyticsKey(tenant, day, t)), analyticsManifestKey(tenant, day)]) await store.delete(key).catch(() => undefined);
    }
  }
  for (const tenant of tenants) await sql`delete from events where tenant_id = ${tenant}`.execute(admin);
  for (const tenant of tenants) await sql`delete from tenants where tenant_id = ${tenant}`.execute(admin);
  await admin.destroy();
  await db.destroy();
}
