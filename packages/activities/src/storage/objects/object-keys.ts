import { ObjectKeyError } from '../../errors.ts';
import { assertTenantId } from '../../tenancy/tenant-id.ts';

/** Kinds of document a tenant can store. */
export const DOCUMENT_KINDS = ['pan', 'aadhar', 'bank-statements', 'photo', 'other'] as const;

/** A kind of document a tenant can store. */
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function assertSegment(value: string, what: string): void {
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw new ObjectKeyError(`${what} is not valid percent-encoding`, value);
  }
  if (decoded !== value) throw new ObjectKeyError(`${what} contains percent-encoding`, value);
  if (value === '.' || value === '..' || value.includes('..')) throw new ObjectKeyError(`${what} contains a path traversal`, value);
  if (!SEGMENT.test(value)) {
    throw new ObjectKeyError(`${what} must be 1-128 characters of A-Z a-z 0-9 . _ - starting with a letter or digit`, value);
  }
}

/** Build the key of a tenant's document: `tenants/{tenantId}/documents/{kind}/{documentId}`. */
export function documentKey(tenantId: string, kind: DocumentKind, documentId: string): string {
  assertTenantId(tenantId);
  if (!(DOCUMENT_KINDS as readonly string[]).includes(kind)) throw new ObjectKeyError(`unknown document kind`, String(kind));
  assertSegment(documentId, 'document id');
  return `tenants/${tenantId}/documents/${kind}/${documentId}`;
}

/** Return the prefix every object of a tenant lives under. */
export function tenantPrefix(tenantId: string): string {
  assertTenantId(tenantId);
  return `tenants/${tenantId}/`;
}

/** Throw `ObjectKeyError` unless `key` is a plain key inside the tenant's prefix. */
export function assertTenantKey(tenantId: string, key: string): void {
  const prefix = tenantPrefix(tenantId);
  if (!key.startsWith(prefix)) throw new ObjectKeyError(`key is outside tenant ${tenantId}`, key);
  const rest = key.slice(prefix.length);
  if (rest.length === 0) throw new ObjectKeyError('key names no object', key);
  for (const segment of rest.split('/')) assertSegment(segment, 'key segment');
}
