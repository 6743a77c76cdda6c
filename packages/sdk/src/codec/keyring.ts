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

const KEY_ID = /^([a-z0-9][a-z0-9-]{1,62}):v(\d+)$/;

/**
 * Create a keyring that derives each tenant's key from one master secret with HKDF-SHA256
 * (`{tenant}:v{version}`), so keys rotate by raising `version` while old versions still decrypt.
 */
export function createDerivedKeyring(options: { masterKey: Uint8Array; version?: number }): Keyring {
  if (options.masterKey.byteLength < 32) throw new MetisError('WEAK_MASTER_KEY', 'the payload master key must be at least 32 bytes');
  const version = options.version ?? 1;
  const cache = new Map<string, Uint8Array>();
  return {
    currentKeyId: (tenantId) => `${tenantId}:v${version}`,
    key(keyId) {
      const match = KEY_ID.exec(keyId);
      if (!match || Number(match[2]) < 1 || Number(match[2]) > version) throw new UnknownKeyError(keyId);
      let key = cache.get(keyId);
      if (!key) {
        key = new Uint8Array(hkdfSync('sha256', options.masterKey, 'metis-payload-encryption', keyId, 32));
        cache.set(keyId, key);
      }
      return key;
    },
  };
}
