import { checkDatabase, createMinioObjectStore, createPgDatabase } from '@metis/activities/storage';
import type { MetisDatabase, ObjectStore } from '@metis/activities/storage';
import type { Kysely } from 'kysely';
import type { MetisConfig } from './config.ts';

/** The database and object store one process shares between its client and its workers. */
export interface Resources {
  /** Database, as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** Object store. */
  readonly objects: ObjectStore;
  /** Close the database pool. */
  close(): Promise<void>;
}

/** Open the database pool and object store client, and verify both answer before returning. */
export async function openResources(config: MetisConfig): Promise<Resources> {
  const db = createPgDatabase(config.database);
  const objects = createMinioObjectStore(config.objectStore);
  try {
    await Promise.all([checkDatabase(db, config.database.url), objects.check()]);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, objects, close: () => db.destroy() };
}
