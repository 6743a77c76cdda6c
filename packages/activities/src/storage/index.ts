// @metis/activities/storage: PostgreSQL (kysely, row-level security, migrations), the object store and the event outbox.
export { appendEvent, isOutboxEventType, BUSINESS_EVENTS, SYSTEM_EVENTS } from '../events/outbox.ts';
export type { OutboxEventType, OutboxEvent } from '../events/outbox.ts';
export { TENANT_TABLES } from './db/schema.ts';
export type {
  MetisDatabase,
  TenantsTable,
  JourneyStatus,
  JourneysTable,
  JourneyTransitionsTable,
  DocumentsTable,
  EventsTable,
  DeadLettersTable,
  ApiKeysTable,
} from './db/schema.ts';
export { createPgDatabase, checkDatabase, explainDatabaseError, redactUrl, DEFAULT_POOL } from './db/pg-database.ts';
export type { PgDatabaseConfig, PoolSettings } from './db/pg-database.ts';
export { withPlatform, withTenant } from './db/with-tenant.ts';
export type { TenantTransaction } from './db/with-tenant.ts';
export { createMigrator, metisMigrations, unwrapMigration } from './db/migrations/index.ts';
export type { MigrationOptions } from './db/migrations/index.ts';
export { provisionDatabase } from './db/provision.ts';
export type { ProvisionOptions } from './db/provision.ts';
export { documentKey, tenantPrefix, assertTenantKey, DOCUMENT_KINDS } from './objects/object-keys.ts';
export type { DocumentKind } from './objects/object-keys.ts';
export { tenantObjects } from './objects/object-store.ts';
export type { ObjectStore, ObjectInfo, PutOptions } from './objects/object-store.ts';
export { createMinioObjectStore } from './objects/minio/minio-object-store.ts';
export type { MinioObjectStoreConfig } from './objects/minio/minio-object-store.ts';
export { canonicalJson, hashData } from '../util/canonical-json.ts';
export type { LoanStatus, LoanApplicationsTable, LoanAccountsTable, NotificationsTable } from './db/schema.ts';
export type { AnalysesTable } from './db/schema.ts';
