import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { ConfigurationError, MetisError } from '@metis/activities/errors';
import { withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { InvalidArgumentError } from '../errors.ts';

/** Roles an API key can carry (stored in `api_keys.scopes`). */
export const API_KEY_ROLES = ['service', 'underwriter', 'ops'] as const;

/** A role an API key can carry. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** Role of a key created without one. */
export const DEFAULT_API_KEY_ROLE: ApiKeyRole = 'service';

/** Longest name an API key may have, in characters. */
export const API_KEY_NAME_MAX = 100;

/** Smallest pepper accepted, in bytes. */
export const API_KEY_PEPPER_MIN_BYTES = 32;

/** An API key just created: the only time its secret is returned. */
export interface CreatedApiKey {
  /** Public id of the key (16 hex characters), what `revoke` takes. */
  readonly keyId: string;
  /** The key itself, `mk_<keyId>_<secret>`: show it once, Metis stores only its HMAC. */
  readonly key: string;
  /** Name given to the key. */
  readonly name: string;
  /** Role the key carries. */
  readonly role: ApiKeyRole;
  /** When it was created (ISO 8601). */
  readonly createdAt: string;
}

/** What `list` shows of a key: never its secret nor its hash. */
export interface ApiKeyInfo {
  /** Public id of the key. */
  readonly keyId: string;
  /** Name given to the key. */
  readonly name: string;
  /** Role the key carries; null when its stored scopes name no known role (such a key never resolves). */
  readonly role: ApiKeyRole | null;
  /** When it was created (ISO 8601). */
  readonly createdAt: string;
  /** When it last resolved, to the minute (ISO 8601), or null. */
  readonly lastUsedAt: string | null;
  /** When it was revoked (ISO 8601), or null while it is live. */
  readonly revokedAt: string | null;
}

/** Who a live API key speaks for. */
export interface ApiKeyPrincipal {
  /** The tenant the key belongs to. */
  readonly tenantId: string;
  /** Public id of the key. */
  readonly keyId: string;
  /** Role the key carries. */
  readonly role: ApiKeyRole;
}

/** A tenant's server-to-server API keys. */
export interface TenantApiKeys {
  /** Create a key (default role `service`) and return it with its secret, which is never shown again. */
  create(options?: { name?: string; role?: ApiKeyRole }): Promise<CreatedApiKey>;
  /** Revoke a live key; resolve false when the tenant has no live key with that id. */
  revoke(keyId: string): Promise<boolean>;
  /** List the tenant's keys, newest first, without secrets. */
  list(): Promise<ApiKeyInfo[]>;
}

const KEY_ID = /^[0-9a-f]{16}$/;
// mk_ + 16 hex + _ + 32 bytes base64url (43 characters, no padding; the secret may hold `_`).
const API_KEY = /^mk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const HASH_SCHEME = 'hmac-sha256:';
const TOUCH_INTERVAL_MS = 60_000;
const TOUCHED_MAX = 10_000;

/** Tell whether a value is a role an API key can carry. */
export function isApiKeyRole(value: unknown): value is ApiKeyRole {
  return typeof value === 'string' && (API_KEY_ROLES as readonly string[]).includes(value);
}

/** Return the key id of a well-formed API key (`mk_<16 hex>_<43 base64url>`, canonical), undefined for anything else. */
export function parseApiKey(key: unknown): { readonly keyId: string } | undefined {
  if (typeof key !== 'string' || key.length !== 63) return undefined;
  const match = API_KEY.exec(key);
  const [, keyId, secret] = match ?? [];
  if (keyId === undefined || secret === undefined) return undefined;
  // 43 characters carry 258 bits: only the encoding whose last two bits are zero is canonical.
  if (Buffer.from(secret, 'base64url').toString('base64url') !== secret) return undefined;
  return { keyId };
}

/** Return the stored hash of an API key: `hmac-sha256:<hex>` of the whole key, keyed with the pepper. */
export function hashApiKey(pepper: Uint8Array, key: string): string {
  return HASH_SCHEME + createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

/** Throw `ConfigurationError` unless a pepper given in the configuration is long enough. */
export function checkApiKeyPepper(pepper: Uint8Array | undefined): void {
  if (pepper !== undefined && !(pepper instanceof Uint8Array && pepper.byteLength >= API_KEY_PEPPER_MIN_BYTES)) {
    throw new ConfigurationError('INVALID_CONFIG', `apiKeyPepper must be at least ${API_KEY_PEPPER_MIN_BYTES} bytes`, { hint: 'Generate one with `openssl rand -base64 32`' });
  }
}

function requirePepper(pepper: Uint8Array | undefined): Uint8Array {
  if (pepper === undefined) {
    throw new ConfigurationError('API_KEY_PEPPER_MISSING', 'API keys need a pepper and none is configured', {
      hint: 'Set METIS_API_KEY_PEPPER (base64, at least 32 bytes) or METIS_API_KEY_PEPPER_FILE, or pass apiKeyPepper to createMetis (`metis dev init` creates .metis/api-key-pepper)',
    });
  }
  return pepper;
}

function roleOf(scopes: readonly string[]): ApiKeyRole | null {
  return scopes.find(isApiKeyRole) ?? null;
}

function checkName(name: unknown, role: ApiKeyRole): string {
  if (name === undefined) return `${role} key`;
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > API_KEY_NAME_MAX || /[\p{Cc}\p{Cf}]/u.test(trimmed)) {
    throw new InvalidArgumentError('API_KEY_NAME_INVALID', `an API key name is 1-${API_KEY_NAME_MAX} printable characters`, 'Give a short name such as "loan-intake"');
  }
  return trimmed;
}

const iso = (at: Date | string): string => new Date(at).toISOString();

/** Create the API keys of one tenant; every method throws `ConfigurationError` `API_KEY_PEPPER_MISSING` without a pepper. */
export function tenantApiKeys(db: Kysely<MetisDatabase>, pepper: Uint8Array | undefined, tenantId: string): TenantApiKeys {
  return {
    async create(options = {}) {
      const secretPepper = requirePepper(pepper);
      const role = options.role ?? DEFAULT_API_KEY_ROLE;
      if (!isApiKeyRole(role)) {
        throw new InvalidArgumentError('API_KEY_ROLE_UNKNOWN', `unknown API key role ${JSON.stringify(String(role).slice(0, 64))}`, `Use one of ${API_KEY_ROLES.join(', ')}`);
      }
      const name = checkName(options.name, role);
      const keyId = randomBytes(8).toString('hex');
      const key = `mk_${keyId}_${randomBytes(32).toString('base64url')}`;
      try {
        const row = await withTenant(db, tenantId, (trx) =>
          trx
            .insertInto('api_keys')
            .values({ tenant_id: tenantId, key_id: keyId, key_hash: hashApiKey(secretPepper, key), name, scopes: [role] })
            .returning('created_at')
            .executeTakeFirstOrThrow(),
        );
        return { keyId, key, name, role, createdAt: iso(row.created_at) };
      } catch (error) {
        // api_keys.tenant_id references tenants: a tenant no client has registered has no row.
        if ((error as { code?: unknown }).code === '23503') {
          throw new MetisError('TENANT_NOT_REGISTERED', `tenant ${tenantId} is not registered`, { hint: 'Start a Metis client with it (createMetis registers its tenants)', cause: error });
        }
        throw error;
      }
    },
    async revoke(keyId) {
      requirePepper(pepper);
      if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) return false;
      const result = await withTenant(db, tenantId, (trx) =>
        trx.updateTable('api_keys').set({ revoked_at: sql<Date>`now()` }).where('key_id', '=', keyId).where('revoked_at', 'is', null).executeTakeFirst(),
      );
      return result.numUpdatedRows > 0n;
    },
    async list() {
      requirePepper(pepper);
      const rows = await withTenant(db, tenantId, (trx) =>
        trx
          .selectFrom('api_keys')
          .select(['key_id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
          .orderBy('created_at', 'desc')
          .orderBy('key_id')
          .execute(),
      );
      return rows.map((r) => ({
        keyId: r.key_id,
        name: r.name,
        role: roleOf(r.scopes),
        createdAt: iso(r.created_at),
        lastUsedAt: r.last_used_at ? iso(r.last_used_at) : null,
        revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
      }));
    },
  };
}

/**
 * Create the resolver of presented API keys: the principal of a live key of a tenant `serves`
 * accepts, undefined for anything else (a malformed string is refused without a query). A key's
 * `last_used_at` is written at most once a minute per process; a failed write is reported to
 * `onTouchError` and does not refuse the key.
 */
export function apiKeyResolver(
  db: Kysely<MetisDatabase>,
  pepper: Uint8Array | undefined,
  serves: (tenantId: string) => boolean,
  onTouchError: (error: unknown) => void,
): (key: string) => Promise<ApiKeyPrincipal | undefined> {
  const touched = new Map<string, number>();
  const touch = async (tenantId: string, keyId: string): Promise<void> => {
    const id = `${tenantId}:${keyId}`;
    const now = Date.now();
    if (now - (touched.get(id) ?? -Infinity) < TOUCH_INTERVAL_MS) return;
    if (touched.size >= TOUCHED_MAX) touched.clear();
    touched.set(id, now);
    try {
      await withTenant(db, tenantId, (trx) =>
        trx
          .updateTable('api_keys')
          .set({ last_used_at: sql<Date>`now()` })
          .where('key_id', '=', keyId)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
          .execute(),
      );
    } catch (error) {
      touched.delete(id);
      onTouchError(error);
    }
  };
  return async (key) => {
    const secretPepper = requirePepper(pepper);
    const parsed = parseApiKey(key);
    if (!parsed) return undefined;
    const { rows } = await sql<{ tenant_id: string; key_id: string; scopes: string[] }>`select tenant_id, key_id, scopes from metis_resolve_api_key(${hashApiKey(secretPepper, key)})`.execute(db);
    const row = rows[0];
    if (!row || row.key_id !== parsed.keyId || !serves(row.tenant_id)) return undefined;
    const role = roleOf(row.scopes);
    if (role === null) return undefined;
    await touch(row.tenant_id, row.key_id);
    return { tenantId: row.tenant_id, keyId: row.key_id, role };
  };
}
