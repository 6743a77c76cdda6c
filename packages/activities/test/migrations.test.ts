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

  test('0006 says done for completed, and reverses', async () => {
    const app = createPgDatabase<MetisDatabase>({ url: urlFor('metis_app'), pool: { max: 1, min: 0 } });
    const tenant = 'status-tenant';
    const record = (journey: string, seq: number, status: string) => {
      const call = { tenant_id: tenant, journey_id: journey, journey_type: 'kyc', applicant_id: journey, workflow_id: `journey:${tenant}:${journey}`, config_version: '1', seq, from_state: 'a', to_state: 'b', event_type: 'SUBMIT', actor: 'applicant', status, data_hash: null, idempotency_key: `${journey}:${seq}`, events: [] };
      return sql`select metis_record_journey_transition(${JSON.stringify(call)}::jsonb)`.execute(app);
    };
    const status = (journey: string) => withTenant(app, tenant, (trx) => trx.selectFrom('journeys').select('status').where('journey_id', '=', journey).executeTakeFirstOrThrow());
    try {
      const down = unwrapMigration(await migrator.migrateDown());
      assert.equal(down.results?.[0]?.migrationName, '0006-journey-status-and-transition-seq');
      await withTenant(app, tenant, (trx) => trx.insertInto('tenants').values({ tenant_id: tenant, display_name: 'Status', settings: '{}' }).execute());
      await record('kyc:a1', 1, 'completed');
      unwrapMigration(await migrator.migrateToLatest());
      assert.equal((await status('kyc:a1')).status, 'done');
      await assert.rejects(record('kyc:a2', 1, 'completed'), { code: '23514' });
      unwrapMigration(await migrator.migrateDown());
      assert.equal((await status('kyc:a1')).status, 'completed');
      unwrapMigration(await migrator.migrateToLatest());
    } finally {
      await app.destroy();
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
