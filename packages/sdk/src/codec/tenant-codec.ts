import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { isTenantId, PLATFORM_ID } from '@metis/activities/tenancy';
import type { Keyring } from './keyring.ts';

/** Encoding of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The cipher used. */
export const CIPHER = 'AES256-GCM';

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** Kinds of workflow that belong to the platform, not to a tenant (`analytics-export:{date}`): their payloads use the platform key. */
const PLATFORM_WORKFLOW_KINDS: ReadonlySet<string> = new Set(['analytics-export']);

/** Owner of the key that encrypts payloads of workflows that belong to no tenant. */
export const PLATFORM_KEY_OWNER = PLATFORM_ID;

/** Tenant owning a workflow, from its id: Metis ids are `{kind}:{tenantId}:…`. */
export function tenantOfWorkflowId(workflowId: string | undefined): string | undefined {
  const [kind, tenant] = workflowId?.split(':') ?? [];
  if (kind !== undefined && PLATFORM_WORKFLOW_KINDS.has(kind)) return undefined;
  return tenant !== undefined && isTenantId(tenant) ? tenant : undefined;
}

function b64(bytes: Uint8Array | null | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('base64');
}

/** Encrypt one payload under the key `keyId` of the keyring. */
export function sealPayload(keyring: Keyring, keyId: string, payload: Payload): Payload {
  const plain = utf8.encode(JSON.stringify({ metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(payload.data) }));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.key(keyId), iv);
  cipher.setAAD(utf8.encode(keyId));
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), 'encryption-cipher': utf8.encode(CIPHER), 'encryption-key-id': utf8.encode(keyId) },
    data: new Uint8Array(sealed),
  };
}

/** Key id of an encrypted payload, or undefined when the payload is not encrypted. */
export function payloadKeyId(payload: Payload): string | undefined {
  const encoding = payload.metadata?.['encoding'];
  if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return undefined;
  return text.decode(payload.metadata?.['encryption-key-id'] ?? new Uint8Array());
}

/** Decrypt one payload; return it unchanged when it is not encrypted. Throw when its key is unknown or it was tampered with. */
export function openPayload(keyring: Keyring, payload: Payload): Payload {
  const keyId = payloadKeyId(payload);
  if (keyId === undefined) return payload;
  const sealed = Buffer.from(payload.data ?? new Uint8Array());
  if (sealed.length < 28) throw new Error('encrypted payload too short');
  const decipher = createDecipheriv('aes-256-gcm', keyring.key(keyId), sealed.subarray(0, 12));
  decipher.setAAD(utf8.encode(keyId));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  const inner = JSON.parse(text.decode(plain)) as { metadata: Record<string, string>; data: string };
  return {
    metadata: Object.fromEntries(Object.entries(inner.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(inner.data, 'base64')),
  };
}

/**
 * Create a payload codec that encrypts every payload with AES-256-GCM under the key of the tenant
 * whose workflow owns it (payloads of other workflows use the `platform` key). The key id travels in
 * the payload's metadata, so decoding needs no context and rotated keys still decrypt.
 */
export function createTenantPayloadCodec(keyring: Keyring): PayloadCodec {
  return {
    async encode(payloads: Payload[], context?: SerializationContext) {
      const keyId = keyring.currentKeyId(tenantOfWorkflowId(context?.workflowId) ?? PLATFORM_KEY_OWNER);
      await Promise.resolve();
      return payloads.map((payload) => sealPayload(keyring, keyId, payload));
    },
    async decode(payloads: Payload[]) {
      await Promise.resolve();
      return payloads.map((payload) => openPayload(keyring, payload));
    },
  };
}
