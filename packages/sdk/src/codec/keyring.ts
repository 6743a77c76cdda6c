import { hkdfSync } from 'node:crypto';
import { MetisError } from '@metis/activities/errors';

/** Keys for payload encryption: which key to encrypt a tenant's payloads with, and any key by id. */
export interface Keyring {
  /** Id of the key new payloads of this tenant (or `platform`) are encrypted with. */
  currentKeyId(tenantId: string): string;
  /** The 32-byte key with this id; throw when it is unknown. */
  key(keyId: string): Uint8Array;
}

/** A key id no keyring knows. */
export class UnknownKeyError extends MetisError {
  constructor(keyId: string) {
    super('UNKNOWN_ENCRYPTION_KEY', `no payload encryption key ${JSON.stringify(keyId)}`, { hint: 'Give the keyring the key (or master secret) this payload was written with' });
  }
}

const KEY_ID = /^([a-z0-9][a-z0-9-]{1,62}):v([1-9][0-9]{0,8})$/;

/** A master secret of an older key version, kept so payloads written under it still decrypt. */
export interface PreviousMasterKey {
  /** Key version the secret served as current master for. */
  readonly version: number;
  /** The secret, at least 32 bytes. */
  readonly masterKey: Uint8Array;
}

/**
 * Create a keyring that derives each tenant's key from a master secret with HKDF-SHA256
 * (`{tenant}:v{version}`). Keys rotate by raising `version`: new payloads use it, and every lower
 * version still decrypts, from `previous` when its master secret was replaced, else from
 * `masterKey`.
 */
export function createDerivedKeyring(options: { masterKey: Uint8Array; version?: number; previous?: readonly PreviousMasterKey[] }): Keyring {
  if (options.masterKey.byteLength < 32) throw new MetisError('WEAK_MASTER_KEY', 'the payload master key must be at least 32 bytes');
  const version = options.version ?? 1;
  if (!Number.isInteger(version) || version < 1) throw new MetisError('INVALID_KEY_VERSION', `the payload key version must be a positive integer, got ${String(version)}`);
  const masters = new Map<number, Uint8Array>();
  for (const old of options.previous ?? []) {
    if (!Number.isInteger(old.version) || old.version < 1 || old.version >= version) {
      throw new MetisError('INVALID_KEY_VERSION', `a previous payload key must have a version below the current ${version}, got ${String(old.version)}`);
    }
    if (old.masterKey.byteLength < 32) throw new MetisError('WEAK_MASTER_KEY', `the payload master key of version ${old.version} must be at least 32 bytes`);
    if (masters.has(old.version)) throw new MetisError('INVALID_KEY_VERSION', `two previous payload keys have version ${old.version}`);
    masters.set(old.version, old.masterKey);
  }
  const cache = new Map<string, Uint8Array>();
  return {
    currentKeyId: (tenantId) => `${tenantId}:v${version}`,
    key(keyId) {
      const match = KEY_ID.exec(keyId);
      if (!match || Number(match[2]) < 1 || Number(match[2]) > version) throw new UnknownKeyError(keyId);
      let key = cache.get(keyId);
      if (!key) {
        const master = masters.get(Number(match[2])) ?? options.masterKey;
        key = new Uint8Array(hkdfSync('sha256', master, 'metis-payload-encryption', keyId, 32));
        cache.set(keyId, key);
      }
      return key;
    },
  };
}

/** Tenant a key id belongs to (`acme:v2` → `acme`), or undefined when it is not a Metis key id. */
export function tenantOfKeyId(keyId: string): string | undefined {
  return KEY_ID.exec(keyId)?.[1];
}
