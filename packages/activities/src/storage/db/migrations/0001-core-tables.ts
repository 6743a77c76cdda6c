import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isolateTenantTables } from './tenant-isolation.ts';

// Frozen: the tables this migration created, whatever later migrations add.
const TENANT_TABLES = ['tenants', 'journeys', 'journey_transitions', 'documents', 'events', 'dead_letters', 'api_keys'] as const;


// Tables are created with untyped builders: a migration describes the schema as it was then,
// not as `MetisDatabase` describes it today.
async function createTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'suspended')`))
    .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('journeys')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id'))
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('journey_type', 'text', (c) => c.notNull())
    .addColumn('applicant_id', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('config_version', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'completed', 'failed')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('journeys_pk', ['tenant_id', 'journey_id'])
    .addUniqueConstraint('journeys_workflow_uq', ['tenant_id', 'workflow_id'])
    .execute();
  await db.schema.createIndex('journeys_tenant_state_idx').on('journeys').columns(['tenant_id', 'journey_type', 'state']).execute();
  await db.schema.createIndex('journeys_tenant_applicant_idx').on('journeys').columns(['tenant_id', 'applicant_id']).execute();

  await db.schema
    .createTable('journey_transitions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('transition_id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('journey_id', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('data_hash', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('journey_transitions_pk', ['tenant_id', 'transition_id'])
    .addUniqueConstraint('journey_transitions_idem_uq', ['tenant_id', 'idempotency_key'])
    .addForeignKeyConstraint('journey_transitions_journey_fk', ['tenant_id', 'journey_id'], 'journeys', ['tenant_id', 'journey_id'])
    .execute();
  await db.schema.createIndex('journey_transitions_tenant_journey_idx').on('journey_transitions').columns(['tenant_id', 'journey_id', 'at']).execute();

  await db.schema
    .createTable('documents')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id'))
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('object_key', 'text', (c) => c.notNull().check(sql`object_key like 'tenants/' || tenant_id || '/%'`))
    .addColumn('content_type', 'text')
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('documents_pk', ['tenant_id', 'document_id'])
    .execute();
  await db.schema.createIndex('documents_tenant_kind_idx').on('documents').columns(['tenant_id', 'kind', 'created_at']).execute();

  await db.schema
    .createTable('events')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('aggregate_type', 'text', (c) => c.notNull())
    .addColumn('aggregate_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .addPrimaryKeyConstraint('events_pk', ['tenant_id', 'event_id'])
    .addUniqueConstraint('events_idem_uq', ['tenant_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('events_tenant_type_idx').on('events').columns(['tenant_id', 'event_type', 'created_at']).execute();
  await db.schema
    .createIndex('events_unpublished_idx')
    .on('events')
    .columns(['tenant_id', 'created_at'])
    .where(sql.ref('published_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('dead_letter_id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('workflow_type', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('task_queue', 'text', (c) => c.notNull())
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .addColumn('error', 'jsonb', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'retried', 'discarded')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addPrimaryKeyConstraint('dead_letters_pk', ['tenant_id', 'dead_letter_id'])
    .execute();
  await db.schema.createIndex('dead_letters_tenant_status_idx').on('dead_letters').columns(['tenant_id', 'status', 'created_at']).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id'))
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addPrimaryKeyConstraint('api_keys_pk', ['tenant_id', 'key_id'])
    .execute();
}

/** Create the core tables, with row-level security and grants for the application role. */
export function coreTablesMigration(appRole: string): Migration {
  return {
    async up(db) {
      await createTables(db);
      await isolateTenantTables(db, TENANT_TABLES, appRole);
    },
    async down(db) {
      for (const table of [...TENANT_TABLES].reverse()) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
