import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Run `work` on every tenant's rows of `tables`. FORCE ROW LEVEL SECURITY binds the owner too, so
 * a backfill as the owner would see no rows; the tables stop forcing it for the migration's
 * transaction only (kysely runs PostgreSQL migrations in one transaction, so no other session ever
 * sees them unforced) and force it again before returning.
 */
async function acrossTenants(db: Kysely<unknown>, tables: readonly string[], work: () => Promise<void>): Promise<void> {
  for (const table of tables) await sql`alter table ${sql.id(table)} no force row level security`.execute(db);
  await work();
  for (const table of tables) await sql`alter table ${sql.id(table)} force row level security`.execute(db);
}

/** A finished journey's status is `done`, the word of @metis/fsm, instead of `completed`. */
async function statusDone(db: Kysely<unknown>): Promise<void> {
  await sql`alter table journeys drop constraint journeys_status_check`.execute(db);
  await acrossTenants(db, ['journeys'], async () => {
    await sql`update journeys set status = 'done' where status = 'completed'`.execute(db);
  });
  await sql`alter table journeys add constraint journeys_status_check check (status in ('active', 'done', 'failed'))`.execute(db);
}

async function statusCompleted(db: Kysely<unknown>): Promise<void> {
  await sql`alter table journeys drop constraint journeys_status_check`.execute(db);
  await acrossTenants(db, ['journeys'], async () => {
    await sql`update journeys set status = 'completed' where status = 'done'`.execute(db);
  });
  await sql`alter table journeys add constraint journeys_status_check check (status in ('active', 'completed', 'failed'))`.execute(db);
}

/** Journey status `completed` becomes `done` (existing rows and the CHECK constraint). */
export function journeyStatusAndTransitionSeqMigration(): Migration {
  return {
    async up(db) {
      await statusDone(db);
    },
    async down(db) {
      await statusCompleted(db);
    },
  };
}
