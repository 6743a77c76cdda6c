import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createMigrator, createPgDatabase, metisMigrations, provisionDatabase, TENANT_TABLES, unwrapMigration, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { ADMIN_URL } from './stack-env.ts';

// A scratch database of its own, so migrating down never disturbs the other tests.
const database = `metis_mig_${crypto.randomUUID().slice(0, 8).replace(/-/g, '')}`;
const urlFor = (role: string): string => {
  const u = new URL(ADMIN_URL);
  u.username = role;
  u.password = role;
  u.pathname = `/${database}`;
  return u.toString();
};
const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ADMIN_URL, max: 1 }) }) });
const owner = createPgDatabase<unknown>({ url: urlFor('metis_owner'), pool: { max: 1, min: 0 } });
const migrator = createMigrator(owner, { appRole: 'metis_app' });

async function tables(): Promise<string[]> {
  const r = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public' and tablename = any(${[...TENANT_TABLES]}) order by 1`.execute(owner);
  return r.rows.map((row) => row.tablename);
}

describe('migrations', () => {
  before(async () => {
    await provisionDatabase({ adminUrl: ADMIN_URL, database, ownerRole: 'metis_owner', ownerPassword: 'metis_owner', appRole: 'metis_app', appPassword: 'metis_app' });
  });
  after(async () => {
    await owner.destroy();
    await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin);
    await admin.destroy();
  });

  test('provisioning twice creates nothing the second time', async () => {
    const again = await provisionDatabase({ adminUrl: ADMIN_URL, database, ownerRole: 'metis_owner', ownerPassword: 'metis_owner', appRole: 'metis_app', appPassword: 'metis_app' });
    assert.deepEqual(again.created, []);
  });

  test('migrate to latest, then again: the second run does nothing', async () => {
    const first = unwrapMigration(await migrator.migrateToLatest());
    assert.deepEqual(first.results?.map((r) => [r.migrationName, r.status]), Object.keys(metisMigrations({ appRole: 'metis_app' })).map((n) => [n, 'Success']));
    const second = unwrapMigration(await migrator.migrateToLatest());
    assert.deepEqual(second.results, []);
    assert.deepEqual(await tables(), [...TENANT_TABLES].sort());
  });

  test('0006 backfills seq and config_version, says done for completed, and reverses', async () => {
    const app = createPgDatabase<MetisDatabase>({ url: urlFor('metis_app'), pool: { max: 1, min: 0 } });
    const tenant = 'seq-tenant';
    // A transition as the activity sent it before 0006: seq only in the call and its events' payloads.
    const record = (journey: string, seq: number, to: string, options: { key?: string; version?: string; status?: string; events?: boolean } = {}) => {
      const key = options.key ?? `journey:${tenant}:${journey}:run-1:${seq}`;
      const call = {
        tenant_id: tenant,
        journey_id: journey,
        journey_type: 'kyc',
        applicant_id: journey.split(':')[1],
        workflow_id: `journey:${tenant}:${journey}`,
        config_version: options.version ?? '1',
        seq,
        from_state: `s${seq - 1}`,
        to_state: to,
        event_type: 'SUBMIT',
        actor: 'applicant',
        status: options.status ?? 'active',
        data_hash: null,
        idempotency_key: key,
        events: options.events === false ? [] : [{ event_type: 'JOURNEY_STEP_COMPLETED', payload: { to, seq }, idempotency_key: `${key}:0:JOURNEY_STEP_COMPLETED` }],
      };
      return sql`select metis_record_journey_transition(${JSON.stringify(call)}::jsonb)`.execute(app);
    };
    const audit = (journey: string) =>
      withTenant(app, tenant, (trx) => trx.selectFrom('journey_transitions').select(['seq', 'config_version', 'to_state']).where('journey_id', '=', journey).orderBy('seq').execute());
    // The event a journey's migration to another config version appends after `steps` transitions.
    const migrated = (journey: string, steps: number, from: string, to: string) =>
      withTenant(app, tenant, (trx) =>
        trx
          .insertInto('events')
          .values({ tenant_id: tenant, event_type: 'JOURNEY_MIGRATED', aggregate_type: 'journey', aggregate_id: journey, payload: JSON.stringify({ from, to }), idempotency_key: `journey:${tenant}:${journey}:run-1:${steps}:migrate:${to}` })
          .execute(),
      );
    const status = (journey: string) => withTenant(app, tenant, (trx) => trx.selectFrom('journeys').select('status').where('journey_id', '=', journey).executeTakeFirstOrThrow());
    try {
      const down = unwrapMigration(await migrator.migrateTo('0005-journey-transition-function'));
      assert.ok(down.results?.some((r) => r.migrationName === '0006-journey-status-and-transition-seq' && r.direction === 'Down'));
      await withTenant(app, tenant, (trx) => trx.insertInto('tenants').values({ tenant_id: tenant, display_name: 'Seq', settings: '{}' }).execute());
      // kyc:a1 migrated from config 1 to 2 after its first step, then finished.
      await record('kyc:a1', 1, 'pan');
      await migrated('kyc:a1', 1, '1', '2');
      await record('kyc:a1', 2, 'aadhaar', { version: '2' });
      await record('kyc:a1', 3, 'approved', { version: '2', status: 'completed' });
      // No events: the seq comes from the key; no seq in the key either: from the order of the rows.
      await record('kyc:a2', 1, 'pan', { events: false });
      await record('kyc:a2', 2, 'aadhaar', { events: false });
      await record('kyc:a3', 1, 'pan', { key: 'imported-b', events: false });
      await record('kyc:a3', 2, 'aadhaar', { key: 'imported-a', events: false });

      unwrapMigration(await migrator.migrateToLatest());
      assert.deepEqual(await audit('kyc:a1'), [
        { seq: 1, config_version: '1', to_state: 'pan' },
        { seq: 2, config_version: '2', to_state: 'aadhaar' },
        { seq: 3, config_version: '2', to_state: 'approved' },
      ]);
      assert.deepEqual((await audit('kyc:a2')).map((t) => [t.seq, t.to_state]), [[1, 'pan'], [2, 'aadhaar']]);
      assert.deepEqual((await audit('kyc:a3')).map((t) => [t.seq, t.to_state]), [[1, 'pan'], [2, 'aadhaar']]);
      assert.equal((await status('kyc:a1')).status, 'done');
      const columns = await sql<{ column_name: string; is_nullable: string }>`
        select column_name, is_nullable from information_schema.columns where table_name = 'journey_transitions' and column_name in ('seq', 'config_version') order by 1`.execute(owner);
      assert.deepEqual(columns.rows, [{ column_name: 'config_version', is_nullable: 'NO' }, { column_name: 'seq', is_nullable: 'NO' }]);
      const index = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'journey_transitions_journey_seq_uq'`.execute(owner);
      assert.match(index.rows[0]?.indexdef ?? '', /UNIQUE INDEX .* \(tenant_id, journey_id, seq\)/);
      const fn = await sql<{ prosecdef: boolean }>`select prosecdef from pg_proc where proname = 'metis_record_journey_transition'`.execute(owner);
      assert.deepEqual(fn.rows, [{ prosecdef: false }], 'still one function, SECURITY INVOKER');
      const forced = await sql<{ relname: string }>`select relname from pg_class where relname in ('journeys', 'journey_transitions', 'events') and relforcerowsecurity order by 1`.execute(owner);
      assert.deepEqual(forced.rows.map((r) => r.relname), ['events', 'journey_transitions', 'journeys'], 'row-level security is forced again after the backfill');
      // The function writes both columns now; `completed` is no longer a status.
      await migrated('kyc:a1', 3, '2', '3');
      await record('kyc:a1', 4, 'archived', { version: '3', status: 'done' });
      assert.deepEqual((await audit('kyc:a1')).at(-1), { seq: 4, config_version: '3', to_state: 'archived' });
      // A worker not yet upgraded (rolling upgrade) still says `completed`: stored as `done`.
      assert.deepEqual((await record('kyc:a4', 1, 'approved', { status: 'completed' })).rows, [{ metis_record_journey_transition: false }]);
      assert.equal((await status('kyc:a4')).status, 'done');
      assert.deepEqual((await audit('kyc:a4')).map((t) => [t.seq, t.to_state]), [[1, 'approved']]);
      // The CHECK itself stays strict.
      await assert.rejects(
        withTenant(app, tenant, (trx) => trx.updateTable('journeys').set({ status: 'completed' as 'done' }).where('journey_id', '=', 'kyc:a4').execute()),
        { code: '23514' },
      );

      // Down: the columns go, `done` is `completed` again and 0005's function writes the rows.
      unwrapMigration(await migrator.migrateTo('0005-journey-transition-function'));
      assert.equal((await status('kyc:a1')).status, 'completed');
      const gone = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_name = 'journey_transitions' and column_name in ('seq', 'config_version')`.execute(owner);
      assert.equal(gone.rows[0]?.n, 0);
      await record('kyc:a1', 5, 'reopened', { version: '3', status: 'active' });
      unwrapMigration(await migrator.migrateToLatest());
      assert.deepEqual((await audit('kyc:a1')).map((t) => [t.seq, t.config_version]), [[1, '1'], [2, '2'], [3, '2'], [4, '3'], [5, '3']]);
    } finally {
      await app.destroy();
    }
  });

  test('a failing 0006 leaves the tables as they were, row-level security forced', async () => {
    // kysely runs each PostgreSQL migration in a transaction: 0006's backfill lifts FORCE ROW
    // LEVEL SECURITY only inside it, so a failure rolls that back too.
    const app = createPgDatabase<MetisDatabase>({ url: urlFor('metis_app'), pool: { max: 1, min: 0 } });
    const superuserUrl = new URL(ADMIN_URL);
    superuserUrl.pathname = `/${database}`;
    const superuser = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: superuserUrl.toString(), max: 1 }) }) });
    const tenant = 'fail-tenant';
    const forced = async () => (await sql<{ relname: string }>`select relname from pg_class where relname in ('journeys', 'journey_transitions', 'events') and relforcerowsecurity order by 1`.execute(owner)).rows.map((r) => r.relname);
    try {
      assert.ok(unwrapMigration(await migrator.migrateTo('0005-journey-transition-function')).results?.some((r) => r.migrationName === '0006-journey-status-and-transition-seq' && r.direction === 'Down'));
      await withTenant(app, tenant, (trx) => trx.insertInto('tenants').values({ tenant_id: tenant, display_name: 'Fail', settings: '{}' }).execute());
      // Two runs' first transitions of one journey: both get seq 1 from their keys, which 0006 refuses.
      for (const run of ['run-1', 'run-2']) {
        const call = {
          tenant_id: tenant, journey_id: 'kyc:f1', journey_type: 'kyc', applicant_id: 'f1', workflow_id: `journey:${tenant}:kyc:f1`, config_version: '1', seq: 1,
          from_state: 'start', to_state: 'pan', event_type: 'SUBMIT', actor: 'applicant', status: 'active', data_hash: null, idempotency_key: `journey:${tenant}:kyc:f1:${run}:1`, events: [],
        };
        await sql`select metis_record_journey_transition(${JSON.stringify(call)}::jsonb)`.execute(app);
      }
      const failed = await migrator.migrateToLatest();
      assert.match(String(failed.error), /has two transitions with seq 1/);
      assert.deepEqual(failed.results?.filter((r) => r.status !== 'NotExecuted').map((r) => [r.migrationName, r.status]), [['0006-journey-status-and-transition-seq', 'Error']]);
      assert.deepEqual(await forced(), ['events', 'journey_transitions', 'journeys'], 'row-level security is still forced');
      const constraint = await sql<{ def: string }>`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'journeys_status_check'`.execute(owner);
      assert.match(constraint.rows[0]?.def ?? '', /completed/, 'the status constraint is 0005\'s still');
      const columns = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_name = 'journey_transitions' and column_name = 'seq'`.execute(owner);
      assert.equal(columns.rows[0]?.n, 0);
      // Fixed (the superuser is not bound by row-level security), 0006 applies.
      await sql`delete from journey_transitions where tenant_id = ${tenant} and idempotency_key like '%:run-2:1'`.execute(superuser);
      unwrapMigration(await migrator.migrateToLatest());
      assert.deepEqual(await forced(), ['events', 'journey_transitions', 'journeys']);
    } finally {
      await app.destroy();
      await superuser.destroy();
    }
  });

  test('every migration reverses, and the schema comes back the same', async () => {
    const before = await sql<{ n: string }>`select count(*)::text as n from information_schema.columns where table_schema = 'public'`.execute(owner);
    const names = Object.keys(metisMigrations({ appRole: 'metis_app' }));
    for (const name of [...names].reverse()) {
      const down = unwrapMigration(await migrator.migrateDown());
      assert.equal(down.results?.[0]?.migrationName, name);
      assert.equal(down.results?.[0]?.direction, 'Down');
    }
    assert.deepEqual(await tables(), []);
    const fn = await sql<{ n: number }>`select count(*)::int as n from pg_proc where proname = 'metis_resolve_api_key'`.execute(owner);
    assert.equal(fn.rows[0]?.n, 0);
    unwrapMigration(await migrator.migrateToLatest());
    const after = await sql<{ n: string }>`select count(*)::text as n from information_schema.columns where table_schema = 'public'`.execute(owner);
    assert.equal(after.rows[0]?.n, before.rows[0]?.n);
  });

  test('the tenant listing gives the application role every active tenant id, and nothing else of theirs', async () => {
    const app = createPgDatabase<MetisDatabase>({ url: urlFor('metis_app'), pool: { max: 1, min: 0 } });
    try {
      for (const [tenant, status] of [['list-a', 'active'], ['list-b', 'active'], ['list-c', 'suspended']] as const) {
        await withTenant(app, tenant, (trx) => trx.insertInto('tenants').values({ tenant_id: tenant, display_name: tenant, settings: '{}', status }).onConflict((c) => c.doNothing()).execute());
      }
      const ids = (await sql<{ tenant_id: string }>`select tenant_id from metis_active_tenant_ids()`.execute(app)).rows.map((r) => r.tenant_id);
      assert.ok(ids.includes('list-a') && ids.includes('list-b'), ids.join(','));
      assert.ok(!ids.includes('list-c'), 'a suspended tenant is not listed');
      // The role still sees no tenant row without a tenant set.
      assert.deepEqual(await app.selectFrom('tenants').select('tenant_id').execute(), []);
    } finally {
      await app.destroy();
    }
  });

  test('the API key lookup crosses tenants only through its definer function', async () => {
    const app = createPgDatabase<MetisDatabase>({ url: urlFor('metis_app'), pool: { max: 1, min: 0 } });
    try {
      await withTenant(app, 'lookup-tenant', async (trx) => {
        await trx.insertInto('tenants').values({ tenant_id: 'lookup-tenant', display_name: 'L', settings: '{}' }).execute();
        await trx.insertInto('api_keys').values({ tenant_id: 'lookup-tenant', key_id: 'k1', key_hash: 'hash-1', name: 'ci' }).execute();
        await trx.insertInto('api_keys').values({ tenant_id: 'lookup-tenant', key_id: 'k2', key_hash: 'hash-2', name: 'old', revoked_at: new Date() }).execute();
      });
      assert.deepEqual(await app.selectFrom('api_keys').selectAll().execute(), [], 'no tenant, no rows');
      const found = await sql<{ tenant_id: string; key_id: string }>`select * from metis_resolve_api_key(${'hash-1'})`.execute(app);
      assert.deepEqual(found.rows.map((r) => [r.tenant_id, r.key_id]), [['lookup-tenant', 'k1']]);
      const revoked = await sql`select * from metis_resolve_api_key(${'hash-2'})`.execute(app);
      assert.equal(revoked.rows.length, 0);
    } finally {
      await app.destroy();
    }
  });
});
