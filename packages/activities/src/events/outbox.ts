import type { TenantTransaction } from '../storage/db/with-tenant.ts';

/** Business events a journey or a loan emits (outbox event types; not the machine events of @metis/fsm). */
export const BUSINESS_EVENTS = [
  'PAN_SUBMITTED',
  'PAN_OCR_PROCESSED',
  'PAN_VERIFICATION_FAILED',
  'AADHAR_SUBMITTED',
  'AADHAR_OCR_PROCESSED',
  'AADHAR_VERIFICATION_FAILED',
  'BANK_STATEMENT_PROCESSED',
  'BANK_STATEMENT_VERIFICATION_FAILED',
  'DOCUMENT_UPLOADED',
  'JOURNEY_STEP_COMPLETED',
  'JOURNEY_COMPLETED',
  'JOURNEY_MIGRATED',
  'NOTIFICATION_SENT',
  'LOAN_APPLIED',
  'LOAN_APPROVED',
  'LOAN_REJECTED',
  'LOAN_MANUAL_REVIEW',
  'LOAN_DECISION_PENDING',
] as const;

/** Platform events about the system itself. */
export const SYSTEM_EVENTS = ['WORKFLOW_TIMEOUT', 'WORKFLOW_DEAD_LETTERED', 'AUTHENTICATION_FAILED', 'RATE_LIMIT_EXCEEDED'] as const;

/** Name of an event written to the outbox (provider health events are `PROVIDER_<NAME>_UNHEALTHY` / `_HEALTHY`). */
export type OutboxEventType = (typeof BUSINESS_EVENTS)[number] | (typeof SYSTEM_EVENTS)[number] | `PROVIDER_${string}_${'UNHEALTHY' | 'HEALTHY'}`;

/** An event to append to the outbox. */
export interface OutboxEvent {
  /** Event name. */
  readonly type: OutboxEventType;
  /** What the event is about, e.g. `document`, `journey`, `loan`. */
  readonly aggregateType: string;
  /** Id of the thing it is about. */
  readonly aggregateId: string;
  /** Event body; must not hold raw PII. */
  readonly payload: Record<string, unknown>;
  /** Appending twice with the same key stores one event. */
  readonly idempotencyKey: string;
}

/** Tell whether a name is an event type Metis writes. */
export function isOutboxEventType(name: string): name is OutboxEventType {
  return (
    (BUSINESS_EVENTS as readonly string[]).includes(name) ||
    (SYSTEM_EVENTS as readonly string[]).includes(name) ||
    /^PROVIDER_[A-Z0-9_]+_(UNHEALTHY|HEALTHY)$/.test(name)
  );
}

/** Append an event inside the caller's tenant transaction; return its id (the existing one on a repeat). */
export async function appendEvent(trx: TenantTransaction, tenantId: string, event: OutboxEvent): Promise<string> {
  const inserted = await trx
    .insertInto('events')
    .values({
      tenant_id: tenantId,
      event_type: event.type,
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      payload: JSON.stringify(event.payload),
      idempotency_key: event.idempotencyKey,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  if (inserted) return inserted.event_id;
  const existing = await trx
    .selectFrom('events')
    .select('event_id')
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', event.idempotencyKey)
    .executeTakeFirstOrThrow();
  return existing.event_id;
}
