import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { isolateTenantTables } from './tenant-isolation.ts';

const NEW_TABLES = ['loan_applications', 'loan_accounts', 'notifications'] as const;

async function createTables(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('journeys').addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('loan_applications')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.tenant_id'))
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('applicant_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('processing').check(sql`status in ('processing', 'approved', 'rejected', 'manual_review', 'disbursed', 'failed')`),
    )
    .addColumn('decision', 'jsonb')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('loan_applications_pk', ['tenant_id', 'application_id'])
    .execute();
  await db.schema.createIndex('loan_applications_tenant_status_idx').on('loan_applications').columns(['tenant_id', 'status', 'created_at']).execute();

  await db.schema
    .createTable('loan_accounts')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'disbursed', 'closed')`))
    .addColumn('disbursement_ref', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('loan_accounts_pk', ['tenant_id', 'account_id'])
    .addUniqueConstraint('loan_accounts_application_uq', ['tenant_id', 'application_id'])
    .addForeignKeyConstraint('loan_accounts_application_fk', ['tenant_id', 'application_id'], 'loan_applications', ['tenant_id', 'application_id'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('notification_id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('webhook', 'email', 'sms')`))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'delivered', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addPrimaryKeyConstraint('notifications_pk', ['tenant_id', 'notification_id'])
    .addUniqueConstraint('notifications_idem_uq', ['tenant_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('notifications_tenant_status_idx').on('notifications').columns(['tenant_id', 'status', 'created_at']).execute();
}

/** Add loan applications, loan accounts and notifications, and the journeys' transition sequence. */
export function loansNotificationsMigration(appRole: string): Migration {
  return {
    async up(db) {
      await createTables(db);
      await isolateTenantTables(db, NEW_TABLES, appRole);
    },
    async down(db) {
      for (const table of [...NEW_TABLES].reverse()) await db.schema.dropTable(table).ifExists().execute();
      await db.schema.alterTable('journeys').dropColumn('last_seq').execute();
    },
  };
}
