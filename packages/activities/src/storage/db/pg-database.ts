import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ConfigurationError } from '../../errors.ts';
import type { MetisDatabase } from './schema.ts';

/** Pool sizing for the PostgreSQL connection pool. */
export interface PoolSettings {
  /** Most connections open at once (default 25). */
  readonly max?: number;
  /** Connections kept open when idle (default 5). */
  readonly min?: number;
  /** Close a connection idle this long, in ms (default 30 minutes). */
  readonly idleTimeoutMillis?: number;
  /** Give up connecting after this long, in ms (default 5 s). */
  readonly connectionTimeoutMillis?: number;
}

/** Settings for a PostgreSQL database reached with `pg`. */
export interface PgDatabaseConfig {
  /** Connection URL, e.g. `postgres://metis_app@127.0.0.1:5432/metis`. */
  readonly url: string;
  /** Pool sizing; defaults follow the platform's sizing (25 max, 5 min, 30 min idle). */
  readonly pool?: PoolSettings;
}

/** Default pool sizing: at most 25 connections, 5 kept warm, idle ones closed after 30 minutes. */
export const DEFAULT_POOL = { max: 25, min: 5, idleTimeoutMillis: 30 * 60_000, connectionTimeoutMillis: 5_000 } as const;

/** Create a kysely instance over a `pg` pool. */
export function createPgDatabase<DB = MetisDatabase>(config: PgDatabaseConfig): Kysely<DB> {
  const settings = { ...DEFAULT_POOL, ...config.pool };
  const pool = new pg.Pool({ connectionString: config.url, ...settings });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Describe a URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

interface PgErrorLike {
  code?: string;
  errors?: PgErrorLike[];
  message?: string;
}

/** Turn a connection-level failure into a `ConfigurationError` that says what to do. */
export function explainDatabaseError(error: unknown, url: string): unknown {
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgErrorLike;
  const code = e.code ?? e.errors?.[0]?.code;
  const where = redactUrl(url);
  const timeout = typeof e.message === 'string' && /timeout/i.test(e.message);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || timeout) {
    return new ConfigurationError('DATABASE_UNREACHABLE', `PostgreSQL at ${where} is unreachable (${code ?? 'timeout'})`, {
      hint: 'Start it with `npm run stack -- up` or point DATABASE_URL at a running server',
      cause: error,
    });
  }
  if (code === '28P01' || code === '28000') {
    return new ConfigurationError('DATABASE_AUTH_FAILED', `PostgreSQL at ${where} rejected the login (${code})`, {
      hint: 'Check the user and password in DATABASE_URL, or run `metis db provision` to create the Metis roles',
      cause: error,
    });
  }
  if (code === '3D000') {
    return new ConfigurationError('DATABASE_MISSING', `the database in ${where} does not exist`, {
      hint: 'Run `metis db provision` (or create it) and then `metis db migrate`',
      cause: error,
    });
  }
  if (code === '42P01') {
    return new ConfigurationError('DATABASE_NOT_MIGRATED', `the Metis tables are missing in ${where}`, {
      hint: 'Run `metis db migrate` as the schema owner',
      cause: error,
    });
  }
  return error;
}

/** Verify the database answers and holds the Metis schema; throw `ConfigurationError` otherwise. */
export async function checkDatabase(db: Kysely<MetisDatabase>, url: string): Promise<void> {
  try {
    await sql`select 1 from tenants limit 0`.execute(db);
  } catch (error) {
    throw explainDatabaseError(error, url);
  }
}
