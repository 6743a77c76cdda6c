import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNativeModule } from '../native-modules.ts';

/** A value bound to a DuckDB statement parameter. */
export type DuckParam = string | number | boolean | null;

/** The part of a DuckDB result Metis reads: rows as JSON-safe objects. */
export interface DuckResult {
  /** Return the rows, each column converted to a JSON-safe value. */
  getRowObjectsJson(): Record<string, unknown>[];
}

/** The part of a DuckDB connection Metis uses. */
export interface DuckConnection {
  /** Run a statement, ignoring its rows. */
  run(sql: string, values?: DuckParam[]): Promise<unknown>;
  /** Run a statement and read all its rows. */
  runAndReadAll(sql: string, values?: DuckParam[]): Promise<DuckResult>;
  /** Close the connection. */
  closeSync(): void;
}

/** The part of `@duckdb/node-api` Metis uses. */
export interface DuckDbModule {
  /** The database class. */
  DuckDBInstance: {
    /** Open a database (`:memory:` for an in-process one). */
    create(path: string): Promise<{ connect(): Promise<DuckConnection>; closeSync(): void }>;
  };
}

/** Quote a string as a SQL literal (paths written by Metis in its own temp dirs). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Convert a DuckDB timestamp with time zone (`2026-03-14 01:00:00.123+00`) to ISO 8601. */
export function duckTimestampToIso(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const normalised = value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const parsed = new Date(normalised);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}

/** Run `fn` with an in-memory DuckDB (UTC) and a private temp dir, both removed afterwards. */
export async function withDuckDb<T>(fn: (connection: DuckConnection, dir: string) => Promise<T>): Promise<T> {
  const duckdb = await loadNativeModule('@duckdb/node-api');
  const dir = await mkdtemp(join(tmpdir(), 'metis-analytics-'));
  try {
    const instance = await duckdb.DuckDBInstance.create(':memory:');
    try {
      const connection = await instance.connect();
      try {
        await connection.run(`set TimeZone = 'UTC'`);
        return await fn(connection, dir);
      } finally {
        connection.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
