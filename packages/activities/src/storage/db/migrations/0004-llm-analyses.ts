import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isolateTenantTables } from './tenant-isolation.ts';

/** Add `analyses`: the stored result of each LLM analysis, under row-level security like every tenant table. */
export function llmAnalysesMigration(appRole: string): Migration {
  return {
    async up(db) {
      await db.schema
        .createTable('analyses')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id'))
        .addColumn('analysis_id', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('completed', 'failed')`))
        .addColumn('input_sha256', 'text', (c) => c.notNull())
        .addColumn('result', 'jsonb', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('prompt_tokens', 'integer', (c) => c.notNull())
        .addColumn('generated_tokens', 'integer', (c) => c.notNull())
        .addColumn('generation_ms', 'integer', (c) => c.notNull())
        .addColumn('tokens_per_second', 'double precision', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('analyses_pk', ['tenant_id', 'analysis_id'])
        .addUniqueConstraint('analyses_workflow_uq', ['tenant_id', 'workflow_id'])
        .execute();
      await db.schema.createIndex('analyses_tenant_created_idx').on('analyses').columns(['tenant_id', 'created_at']).execute();
      await isolateTenantTables(db, ['analyses'], appRole);
    },
    async down(db) {
      await db.schema.dropTable('analyses').ifExists().execute();
    },
  };
}
