import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { appendEvent, createPgDatabase, TENANT_TABLES, withTenant } from '@metis/activities/storage';
import type { MetisDatabase, TenantTransaction } from '@metis/activities/storage';
import { DATABASE_URL, freshTenant } from './stack-env.ts';

// One connection, so a tenant setting that leaked past its transaction would be seen.
const db = createPgDatabase<MetisDatabase>({ url: DATABASE_URL, pool: { max: 1, min: 0 } });
const tenantA = freshTenant('rls-a');
const tenantB = freshTenant('rls-b');

async function seed(tenantId: string, trx: TenantTransaction): Promise<void> {
  await trx.insertInto('tenants').values({ tenant_id: tenantId, display_name: tenantId, settings: '{}' }).execute();
  await trx
    .insertInto('documents')
    .values({ tenant_id: tenantId, document_id: 'd1', kind: 'pan', object_key: `tenants/${tenantId}/documents/pan/d1`, size_bytes: 10, status: 'uploaded', metadata: '{}' })
    .execute();
  await appendEvent(trx, tenantId, { type: 'DOCUMENT_UPLOADED', aggregateType: 'document', aggregateId: 'd1', payload: {}, idempotencyKey: 'd1' });
}

/** Assert the promise fails with PostgreSQL's row-level security error. */
async function rejectsByPolicy(work: Promise<unknown>): Promise<void> {
  await assert.rejects(work, (error: { code?: string; message?: string }) => {
    assert.equal(error.code, '42501', `expected a policy violation, got ${error.code}: ${error.message}`);
    assert.match(error.message ?? '', /row-level security/);
    return true;
  });
}

describe('row-level security, as the application role', () => {
  before(async () => {
    await withTenant(db, tenantA, (trx) => seed(tenantA, trx));
    await withTenant(db, tenantB, (trx) => seed(tenantB, trx));
  });
  after(() => db.destroy());

  test('the application role is neither owner, superuser nor BYPASSRLS', async () => {
    const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean; me: string }>`
      select rolsuper, rolbypassrls, current_user as me from pg_roles where rolname = current_user`.execute(db);
    assert.equal(role.rows[0]?.rolsuper, false);
    assert.equal(role.rows[0]?.rolbypassrls, false);
    const owners = await sql<{ tablename: string; tableowner: string }>`
      select tablename, tableowner from pg_tables where schemaname = 'public' and tablename = any(${[...TENANT_TABLES]})`.execute(db);
    assert.equal(owners.rows.length, TENANT_TABLES.length);
    for (const row of owners.rows) assert.notEqual(row.tableowner, role.rows[0]?.me, `${row.tablename} is owned by the app role`);
    const forced = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select relname, relrowsecurity, relforcerowsecurity from pg_class where relname = any(${[...TENANT_TABLES]})`.execute(db);
    for (const row of forced.rows) {
      assert.ok(row.relrowsecurity && row.relforcerowsecurity, `${row.relname} must ENABLE and FORCE row level security`);
    }
  });

  test('tenant A sees none of tenant B rows in any table', async () => {
    await withTenant(db, tenantA, async (trx) => {
      for (const table of ['tenants', 'documents', 'events'] as const) {
        const rows = await trx.selectFrom(table).select('tenant_id').execute();
        assert.ok(rows.length >= 1, `A sees its own ${table}`);
        assert.ok(rows.every((r) => r.tenant_id === tenantA), `A sees only its own ${table}`);
      }
      const b = await trx.selectFrom('documents').selectAll().where('tenant_id', '=', tenantB).execute();
      assert.deepEqual(b, []);
    });
  });

  test('inserting a row for tenant B while acting as A fails', async () => {
    await rejectsByPolicy(
      withTenant(db, tenantA, (trx) =>
        trx
          .insertInto('documents')
          .values({ tenant_id: tenantB, document_id: 'planted', kind: 'pan', object_key: `tenants/${tenantB}/documents/pan/planted`, size_bytes: 1, status: 'uploaded', metadata: '{}' })
          .execute(),
      ),
    );
    await rejectsByPolicy(
      withTenant(db, tenantA, (trx) => appendEvent(trx, tenantB, { type: 'LOAN_APPROVED', aggregateType: 'loan', aggregateId: 'x', payload: {}, idempotencyKey: 'planted' })),
    );
  });

  test("updating B's rows as A changes nothing, and moving A's row to B fails", async () => {
    const touched = await withTenant(db, tenantA, (trx) => trx.updateTable('documents').set({ status: 'hijacked' }).where('tenant_id', '=', tenantB).executeTakeFirst());
    assert.equal(touched.numUpdatedRows, 0n);
    await rejectsByPolicy(withTenant(db, tenantA, (trx) => trx.updateTable('documents').set({ tenant_id: tenantB }).where('document_id', '=', 'd1').execute()));
    const b = await withTenant(db, tenantB, (trx) => trx.selectFrom('documents').select('status').where('document_id', '=', 'd1').executeTakeFirstOrThrow());
    assert.equal(b.status, 'uploaded');
  });

  test('with no tenant set, reads return nothing and writes fail', async () => {
    for (const table of TENANT_TABLES) {
      const rows = await db.selectFrom(table).select('tenant_id').execute();
      assert.equal(rows.length, 0, `${table} must be empty without a tenant`);
    }
    await rejectsByPolicy(db.insertInto('tenants').values({ tenant_id: freshTenant('orphan'), display_name: 'x', settings: '{}' }).execute());
  });

  test('the tenant setting ends with its transaction', async () => {
    await withTenant(db, tenantA, async (trx) => {
      const inside = await sql<{ t: string }>`select current_setting('app.current_tenant', true) as t`.execute(trx);
      assert.equal(inside.rows[0]?.t, tenantA);
    });
    const outside = await sql<{ t: string | null }>`select nullif(current_setting('app.current_tenant', true), '') as t`.execute(db);
    assert.equal(outside.rows[0]?.t, null);
    assert.equal((await db.selectFrom('documents').selectAll().execute()).length, 0);
  });

  test('a failed transaction leaves nothing behind', async () => {
    await assert.rejects(
      withTenant(db, tenantA, async (trx) => {
        await appendEvent(trx, tenantA, { type: 'LOAN_APPLIED', aggregateType: 'loan', aggregateId: 'rollback', payload: {}, idempotencyKey: 'rollback' });
        throw new Error('boom');
      }),
      /boom/,
    );
    const events = await withTenant(db, tenantA, (trx) => trx.selectFrom('events').select('event_id').where('idempotency_key', '=', 'rollback').execute());
    assert.deepEqual(events, []);
  });

  test('withTenant refuses a malformed tenant id before touching the database', async () => {
    await assert.rejects(withTenant(db, "a' or '1'='1", () => Promise.resolve(1)), { code: 'INVALID_TENANT_ID' });
  });
});
