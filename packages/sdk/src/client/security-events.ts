import type { Kysely } from 'kysely';
import { appendEvent, withPlatform, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { PLATFORM_ID } from '@metis/activities/tenancy';
import { InvalidArgumentError } from '../errors.ts';

/** Security event types a tenant service reports. */
export const SECURITY_EVENT_TYPES = ['AUTHENTICATION_FAILED', 'RATE_LIMIT_EXCEEDED'] as const;

/** A security event type a tenant service reports. */
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** A security event to append to the outbox. */
export interface SecurityEvent {
  /** What happened. */
  readonly type: SecurityEventType;
  /** The tenant it concerns, when known; events of any other tenant (or none) are written under the platform. */
  readonly tenantId?: string;
  /** Details, without PII; a string holding an API key keeps only its key id. */
  readonly payload: Record<string, unknown>;
}

const KEY_ID = /^[0-9a-f]{16}$/;
// Anything shaped like an API key, however mangled after its key id.
const API_KEY_TEXT = /mk_([0-9a-f]{16})_[A-Za-z0-9_-]*/g;

/** Serialise a payload with every API key in its strings cut down to `mk_<keyId>_[redacted]`. */
function redactedPayload(payload: Record<string, unknown>): string {
  return JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'string' ? value.replace(API_KEY_TEXT, 'mk_$1_[redacted]') : value));
}

/**
 * Append a security event to the outbox: under its tenant when `serves` accepts it, otherwise
 * under the platform. The aggregate is `security` / the payload's `keyId` when it is one, else
 * `anonymous`; each call is a new event (a random idempotency key).
 */
export async function recordSecurityEvent(db: Kysely<MetisDatabase>, serves: (tenantId: string) => boolean, event: SecurityEvent): Promise<void> {
  if (!(SECURITY_EVENT_TYPES as readonly string[]).includes(event.type)) {
    throw new InvalidArgumentError('INVALID_SECURITY_EVENT', `unknown security event type ${JSON.stringify(String(event.type).slice(0, 64))}`, `Use one of ${SECURITY_EVENT_TYPES.join(', ')}`);
  }
  if (typeof event.payload !== 'object' || event.payload === null || Array.isArray(event.payload)) {
    throw new InvalidArgumentError('INVALID_SECURITY_EVENT', 'a security event payload is an object');
  }
  const payload = JSON.parse(redactedPayload(event.payload)) as Record<string, unknown>;
  const keyId = payload['keyId'];
  const outboxEvent = {
    type: event.type,
    aggregateType: 'security',
    aggregateId: typeof keyId === 'string' && KEY_ID.test(keyId) ? keyId : 'anonymous',
    payload,
    idempotencyKey: crypto.randomUUID(),
  };
  const { tenantId } = event;
  if (tenantId !== undefined && serves(tenantId)) {
    await withTenant(db, tenantId, (trx) => appendEvent(trx, tenantId, outboxEvent));
  } else {
    await withPlatform(db, (trx) => appendEvent(trx, PLATFORM_ID, outboxEvent));
  }
}
