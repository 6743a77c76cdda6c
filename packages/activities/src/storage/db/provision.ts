import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { explainDatabaseError } from './pg-database.ts';

/** What `provisionDatabase` creates. */
export interface ProvisionOptions {
  /** URL of a role allowed to create roles and databases (e.g. the `postgres` superuser). */
  readonly adminUrl: string;
  /** Database to create. */
  readonly database: string;
  /** Role that owns the schema and runs migrations. */
  readonly ownerRole: string;
  /** Password of the owner role. */
  readonly ownerPassword: string;
  /** Role the application connects as: not an owner, not a superuser, no BYPASSRLS. */
  readonly appRole: string;
  /** Password of the application role. */
  readonly appPassword: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

function ident(name: string, what: string): string {
  if (!IDENT.test(name)) throw new TypeError(`${what} ${JSON.stringify(name)} is not a plain lower-case SQL identifier`);
  return name;
}

/**
 * Create the owner and application roles and the database when missing (idempotent).
 * Run once per environment with an administrator's URL; the application never needs it.
 */
export async function provisionDatabase(options: ProvisionOptions): Promise<{ created: string[] }> {
  const owner = ident(options.ownerRole, 'owner role');
  const app = ident(options.appRole, 'app role');
  const database = ident(options.database, 'database');
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: options.adminUrl, max: 1 }) }) });
  const created: string[] = [];
  try {
    const roles = await sql<{ rolname: string }>`select rolname from pg_roles where rolname in (${owner}, ${app})`.execute(admin).catch((error: unknown) => {
      throw explainDatabaseError(error, options.adminUrl);
    });
    const have = new Set(roles.rows.map((r) => r.rolname));
    if (!have.has(owner)) {
      await sql`create role ${sql.id(owner)} login password ${sql.lit(options.ownerPassword)}`.execute(admin);
      created.push(`role ${owner}`);
    }
    if (!have.has(app)) {
      await sql`create role ${sql.id(app)} login nosuperuser nocreatedb nocreaterole nobypassrls password ${sql.lit(options.appPassword)}`.execute(admin);
      created.push(`role ${app}`);
    }
    const dbs = await sql<{ datname: string }>`select datname from pg_database where datname = ${database}`.execute(admin);
    if (dbs.rows.length === 0) {
      await sql`create database ${sql.id(database)} owner ${sql.id(owner)}`.execute(admin);
      created.push(`database ${database}`);
    }
    await sql`grant connect on database ${sql.id(database)} to ${sql.id(app)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
  // The owner must own the public schema's objects it creates; make sure it may create there.
  const adminUrl = new URL(options.adminUrl);
  adminUrl.pathname = `/${database}`;
  const inDb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: adminUrl.toString(), max: 1 }) }) });
  try {
    await sql`grant usage, create on schema public to ${sql.id(owner)}`.execute(inDb);
    await sql`grant usage on schema public to ${sql.id(app)}`.execute(inDb);
  } finally {
    await inDb.destroy();
  }
  return { created };
}
