export { createActivities } from './create-activities.ts';
export type { ActivityDeps, MetisActivities } from './create-activities.ts';
export { MetisError, ConfigurationError, InvalidTenantIdError, ObjectKeyError, ObjectNotFoundError } from './errors.ts';
export { isTenantId, assertTenantId, SYSTEM_TENANT } from './tenancy/tenant-id.ts';
export { createDocumentActivities } from './documents/document-activities.ts';
export type { DocumentActivities, DocumentActivityDeps, RecordDocumentInput, RecordedDocument } from './documents/document-activities.ts';
export { appendEvent, BUSINESS_EVENTS, SYSTEM_EVENTS } from './events/outbox.ts';
export type { EventType, OutboxEvent } from './events/outbox.ts';
export { TENANT_TABLES } from './storage/db/schema.ts';
export type {
  MetisDatabase,
  TenantsTable,
  JourneysTable,
  JourneyTransitionsTable,
  DocumentsTable,
  EventsTable,
  DeadLettersTable,
  ApiKeysTable,
} from './storage/db/schema.ts';
export { createPgDatabase, checkDatabase, explainDatabaseError, redactUrl, DEFAULT_POOL } from './storage/db/pg-database.ts';
export type { PgDatabaseConfig, PoolSettings } from './storage/db/pg-database.ts';
export { withTenant } from './storage/db/with-tenant.ts';
export type { TenantTransaction } from './storage/db/with-tenant.ts';
export { createMigrator, metisMigrations, unwrapMigration } from './storage/db/migrations/index.ts';
export type { MigrationOptions } from './storage/db/migrations/index.ts';
export { provisionDatabase } from './storage/db/provision.ts';
export type { ProvisionOptions } from './storage/db/provision.ts';
export { documentKey, tenantPrefix, assertTenantKey, DOCUMENT_KINDS } from './storage/objects/object-keys.ts';
export type { DocumentKind } from './storage/objects/object-keys.ts';
export { tenantObjects } from './storage/objects/object-store.ts';
export type { ObjectStore, ObjectInfo, PutOptions } from './storage/objects/object-store.ts';
export { createMinioObjectStore } from './storage/objects/minio/minio-object-store.ts';
export type { MinioObjectStoreConfig } from './storage/objects/minio/minio-object-store.ts';
export { createInMemoryMetrics, noopMetrics } from './metrics/metrics.ts';
export type { InMemoryMetrics, Labels, Metrics, MetricSeries } from './metrics/metrics.ts';
