import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Migration, MigrationResultSet } from 'kysely/migration';
import { coreTablesMigration } from './0001-core-tables.ts';
import { apiKeyLookupMigration } from './0002-api-key-lookup.ts';
import { loansNotificationsMigration } from './0003-loans-notifications.ts';
import { llmAnalysesMigration } from './0004-llm-analyses.ts';
import { journeyTransitionFunctionMigration } from './0005-journey-transition-function.ts';
import { journeyStatusAndTransitionSeqMigration } from './0006-journey-status-and-transition-seq.ts';
import { tenantListingMigration } from './0007-tenant-listing.ts';
import { journeyCountsMigration } from './0008-journey-counts.ts';

/** Options every migration needs. */
export interface MigrationOptions {
  /** The role the application connects as; it receives table grants but owns nothing. */
  readonly appRole: string;
}

/** Return every Metis migration by name, in order. */
export function metisMigrations(options: MigrationOptions): Record<string, Migration> {
  return {
    '0001-core-tables': coreTablesMigration(options.appRole),
    '0002-api-key-lookup': apiKeyLookupMigration(options.appRole),
    '0003-loans-notifications': loansNotificationsMigration(options.appRole),
    '0004-llm-analyses': llmAnalysesMigration(options.appRole),
    '0005-journey-transition-function': journeyTransitionFunctionMigration(options.appRole),
    '0006-journey-status-and-transition-seq': journeyStatusAndTransitionSeqMigration(options.appRole),
    '0007-tenant-listing': tenantListingMigration(options.appRole),
    '0008-journey-counts': journeyCountsMigration(options.appRole),
  };
}

/** Create a kysely `Migrator` over the Metis migrations; run it as the schema owner. */
export function createMigrator(db: Kysely<unknown>, options: MigrationOptions): Migrator {
  const migrations = metisMigrations(options);
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'metis_migration',
    migrationLockTableName: 'metis_migration_lock',
  });
}

/** Throw the migrator's error, naming the migration that failed. */
export function unwrapMigration(result: MigrationResultSet): MigrationResultSet {
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const message = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed: ${message}`, { cause: result.error });
  }
  return result;
}
