import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const CURRENT_TENANT = sql`nullif(current_setting('app.current_tenant', true), '')`;

/**
 * Put tables under tenant isolation: ENABLE and FORCE row-level security, the `tenant_isolation`
 * policy on `app.current_tenant`, and read/write grants for the application role.
 */
export async function isolateTenantTables(db: Kysely<unknown>, tables: readonly string[], appRole: string): Promise<void> {
  for (const table of tables) {
    const t = sql.id(table);
    await sql`alter table ${t} enable row level security`.execute(db);
    await sql`alter table ${t} force row level security`.execute(db);
    await sql`create policy tenant_isolation on ${t} using (tenant_id = ${CURRENT_TENANT}) with check (tenant_id = ${CURRENT_TENANT})`.execute(db);
    await sql`grant select, insert, update, delete on ${t} to ${sql.id(appRole)}`.execute(db);
  }
}
