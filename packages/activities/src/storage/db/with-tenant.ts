import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { assertTenantId, PLATFORM_ID } from '../../tenancy/tenant-id.ts';
import type { MetisDatabase } from './schema.ts';

/** A transaction in which row-level security sees exactly one tenant. */
export type TenantTransaction = Transaction<MetisDatabase>;

/**
 * Run `fn` in a transaction whose row-level security is scoped to one tenant.
 * The setting is local to the transaction, so a pooled connection never carries it further.
 */
export async function withTenant<T>(db: Kysely<MetisDatabase>, tenantId: string, fn: (trx: TenantTransaction) => Promise<T>): Promise<T> {
  assertTenantId(tenantId);
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.current_tenant', ${tenantId}, true)`.execute(trx);
    return fn(trx);
  });
}

/**
 * Run `fn` in a transaction whose row-level security sees only the platform's rows (`PLATFORM_ID`),
 * which no tenant can own: system events that concern no one tenant are written there.
 */
export async function withPlatform<T>(db: Kysely<MetisDatabase>, fn: (trx: TenantTransaction) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.current_tenant', ${PLATFORM_ID}, true)`.execute(trx);
    return fn(trx);
  });
}
