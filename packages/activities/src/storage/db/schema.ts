import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = JSONColumnType<Record<string, unknown>, string, string>;

/** Row of `tenants`: one per tenant, visible only to that tenant. */
export interface TenantsTable {
  tenant_id: string;
  display_name: string;
  status: ColumnType<'active' | 'suspended', 'active' | 'suspended' | undefined, 'active' | 'suspended'>;
  settings: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Status of a journey: `done` once it has reached a final state (the word of @metis/fsm's snapshots). */
export type JourneyStatus = 'active' | 'done' | 'failed';

/** Row of `journeys`: the projection of one journey workflow's current state. */
export interface JourneysTable {
  tenant_id: string;
  journey_id: string;
  journey_type: string;
  applicant_id: string;
  workflow_id: string;
  config_version: string;
  state: string;
  status: ColumnType<JourneyStatus, JourneyStatus | undefined, JourneyStatus>;
  last_seq: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Row of `journey_transitions`: the audit trail of accepted steps; read it in `seq` order. */
export interface JourneyTransitionsTable {
  tenant_id: string;
  transition_id: Generated<string>;
  journey_id: string;
  /** Position of the transition in its journey (1, 2, …, the workflow's step count), unique per journey. */
  seq: number;
  /** Version of the journey config the transition ran under. */
  config_version: string;
  from_state: string | null;
  to_state: string;
  event_type: string;
  actor: string;
  data_hash: string | null;
  idempotency_key: string;
  at: Timestamp;
}

/** Row of `documents`: a stored document and where its bytes live. */
export interface DocumentsTable {
  tenant_id: string;
  document_id: string;
  kind: string;
  object_key: string;
  content_type: string | null;
  size_bytes: ColumnType<string, number | bigint | string, number | bigint | string>;
  sha256: string | null;
  status: string;
  metadata: Json;
  created_at: Timestamp;
}

/** Row of `events`: the transactional outbox of business and system events. */
export interface EventsTable {
  tenant_id: string;
  event_id: Generated<string>;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Json;
  idempotency_key: string;
  created_at: Timestamp;
  published_at: Date | null;
}

/** Row of `dead_letters`: work that failed for good, kept to inspect and retry. */
export interface DeadLettersTable {
  tenant_id: string;
  dead_letter_id: Generated<string>;
  workflow_id: string;
  workflow_type: string;
  run_id: string | null;
  task_queue: string;
  input: Json;
  error: Json;
  attempts: number;
  status: ColumnType<'open' | 'retried' | 'discarded', 'open' | 'retried' | 'discarded' | undefined, 'open' | 'retried' | 'discarded'>;
  created_at: Timestamp;
  resolved_at: Date | null;
}

/** Row of `api_keys`: hashed API keys a tenant's callers present. */
export interface ApiKeysTable {
  tenant_id: string;
  key_id: string;
  key_hash: string;
  name: string;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Status of a loan application. */
export type LoanStatus = 'processing' | 'approved' | 'rejected' | 'manual_review' | 'disbursed' | 'failed';

/** Row of `loan_applications`: one per application, with its single decision. */
export interface LoanApplicationsTable {
  tenant_id: string;
  application_id: string;
  workflow_id: string;
  applicant_id: string;
  amount: ColumnType<string, number | string, number | string>;
  status: ColumnType<LoanStatus, LoanStatus | undefined, LoanStatus>;
  decision: JSONColumnType<Record<string, unknown>, string | null, string | null> | null;
  decided_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Row of `loan_accounts`: the account an approved loan opens. */
export interface LoanAccountsTable {
  tenant_id: string;
  account_id: string;
  application_id: string;
  amount: ColumnType<string, number | string, number | string>;
  status: 'open' | 'disbursed' | 'closed';
  disbursement_ref: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Row of `notifications`: one per message, keyed so it is sent once. */
export interface NotificationsTable {
  tenant_id: string;
  notification_id: Generated<string>;
  idempotency_key: string;
  channel: 'webhook' | 'email' | 'sms';
  recipient: string;
  template: string;
  payload: Json;
  status: ColumnType<'pending' | 'delivered' | 'failed', 'pending' | 'delivered' | 'failed' | undefined, 'pending' | 'delivered' | 'failed'>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: Date | null;
}

/** The Metis schema as kysely sees it. */
export interface MetisDatabase {
  tenants: TenantsTable;
  journeys: JourneysTable;
  journey_transitions: JourneyTransitionsTable;
  documents: DocumentsTable;
  events: EventsTable;
  dead_letters: DeadLettersTable;
  api_keys: ApiKeysTable;
  loan_applications: LoanApplicationsTable;
  loan_accounts: LoanAccountsTable;
  notifications: NotificationsTable;
  analyses: AnalysesTable;
}

/** Names of every table that holds tenant rows under row-level security. */
export const TENANT_TABLES = [
  'tenants',
  'journeys',
  'journey_transitions',
  'documents',
  'events',
  'dead_letters',
  'api_keys',
  'loan_applications',
  'loan_accounts',
  'notifications',
  'analyses',
] as const satisfies readonly (keyof MetisDatabase)[];

/** Row of `analyses`: the stored result of one LLM analysis (e.g. an underwriting note). */
export interface AnalysesTable {
  tenant_id: string;
  analysis_id: string;
  workflow_id: string;
  kind: string;
  status: 'completed' | 'failed';
  input_sha256: string;
  result: Json;
  model: string;
  prompt_tokens: number;
  generated_tokens: number;
  generation_ms: number;
  tokens_per_second: number;
  created_at: Timestamp;
}
