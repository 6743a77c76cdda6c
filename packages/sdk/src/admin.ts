import { ConfigurationError } from '@metis/activities/errors';
import { createMigrator, createMinioObjectStore, createPgDatabase, explainDatabaseError, provisionDatabase, unwrapMigration } from '@metis/activities/storage';
import type { MigrationResultSet } from 'kysely/migration';
import type { MetisConfig } from './config.ts';

function userOf(url: string, name: string): { user: string; password: string; database: string } {
  const u = new URL(url);
  const user = decodeURIComponent(u.username);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!user || !database) throw new ConfigurationError('INVALID_CONFIG', `${name} must name a user and a database`);
  return { user, password: decodeURIComponent(u.password), database };
}

function requireUrl(value: string | undefined, name: string): string {
  if (!value) throw new ConfigurationError('INVALID_CONFIG', `${name} is not set`);
  return value;
}

/** Create the Metis roles and database from the configured URLs (needs the admin URL). */
export async function provision(config: MetisConfig): Promise<string[]> {
  const app = userOf(config.database.url, 'DATABASE_URL');
  const owner = userOf(requireUrl(config.database.migrationUrl, 'METIS_MIGRATION_DATABASE_URL'), 'METIS_MIGRATION_DATABASE_URL');
  if (app.user === owner.user) {
    throw new ConfigurationError('INVALID_CONFIG', 'DATABASE_URL and METIS_MIGRATION_DATABASE_URL use the same role', {
      hint: 'The application must connect as a role that does not own the tables, or row-level security is bypassed',
    });
  }
  const { created } = await provisionDatabase({
    adminUrl: requireUrl(config.database.adminUrl, 'METIS_ADMIN_DATABASE_URL'),
    database: app.database,
    ownerRole: owner.user,
    ownerPassword: owner.password || owner.user,
    appRole: app.user,
    appPassword: app.password || app.user,
  });
  return created;
}

/** Migrate the schema as its owner: to the latest version, or one step down. */
export async function migrate(config: MetisConfig, direction: 'latest' | 'down' = 'latest'): Promise<MigrationResultSet> {
  const url = requireUrl(config.database.migrationUrl, 'METIS_MIGRATION_DATABASE_URL');
  const db = createPgDatabase<unknown>({ url, pool: { max: 1, min: 0 } });
  try {
    const migrator = createMigrator(db, { appRole: userOf(config.database.url, 'DATABASE_URL').user });
    const result = direction === 'latest' ? await migrator.migrateToLatest() : await migrator.migrateDown();
    if (result.error !== undefined) {
      const explained = explainDatabaseError(result.error, url);
      if (explained instanceof ConfigurationError) throw explained;
    }
    return unwrapMigration(result);
  } finally {
    await db.destroy();
  }
}

/** Create the object store bucket when missing. */
export async function initObjectStore(config: MetisConfig): Promise<void> {
  await createMinioObjectStore(config.objectStore).ensureBucket();
}
