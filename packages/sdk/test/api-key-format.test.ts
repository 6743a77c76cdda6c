import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey, parseApiKey } from '../src/client/api-keys-client.ts';
import { loadConfigFromEnv } from '../src/config.ts';

// base64url of the bytes 0, 1, …, 31: a canonical 32-byte secret.
const SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const KEY = `mk_0123456789abcdef_${SECRET}`;
const PEPPER_44 = new Uint8Array(32).fill(0x44);

describe('API key format and hash', () => {
  test('a well-formed key gives its key id', () => {
    assert.deepEqual(parseApiKey(KEY), { keyId: '0123456789abcdef' });
    // The secret's alphabet includes `_` and `-`.
    assert.deepEqual(parseApiKey('mk_ffffffffffffffff___________________________________________A'), { keyId: 'ffffffffffffffff' });
  });

  test('anything else is refused', () => {
    const refused: unknown[] = [
      '',
      'mk_',
      'mk__',
      `mk_0123456789ABCDEF_${SECRET}`, // upper-case key id
      `mk_0123456789abcde_${SECRET}`, // 15 hex characters
      `mk_0123456789abcdef_${SECRET}x`, // 44 characters of secret
      `mk_0123456789abcdef_${SECRET.slice(0, -1)}`, // 42
      `mk_0123456789abcdef_${SECRET.slice(0, -1)}9`, // not canonical: the last two bits are not zero
      `mk_0123456789abcdef_${SECRET.slice(0, -1)}=`,
      `MK_0123456789abcdef_${SECRET}`,
      ` ${KEY}`,
      `${KEY}\n`,
      `mk_0123456789abcdef_${SECRET.slice(0, -2)}+/`,
      'x'.repeat(10_240),
      `${KEY}${'A'.repeat(10_240)}`,
      undefined,
      null,
      42,
    ];
    for (const value of refused) assert.equal(parseApiKey(value), undefined, JSON.stringify(value)?.slice(0, 80));
  });

  test('the stored hash is HMAC-SHA256 of the whole key, keyed with the pepper', () => {
    // Computed with `openssl dgst -sha256 -mac HMAC -macopt hexkey:4444…44` (32 bytes of 0x44).
    assert.equal(hashApiKey(PEPPER_44, KEY), 'hmac-sha256:d28b7d8228dca1ec12268e79ef69aa7706411ba7723a8ca6955cb083f6ca5584');
    assert.notEqual(hashApiKey(new Uint8Array(32).fill(0x45), KEY), hashApiKey(PEPPER_44, KEY));
  });
});

describe('API key pepper configuration', () => {
  const pepper = Buffer.alloc(32, 7).toString('base64');

  test('METIS_API_KEY_PEPPER or METIS_API_KEY_PEPPER_FILE gives the pepper; neither gives none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metis-pepper-'));
    try {
      const file = join(dir, 'pepper');
      writeFileSync(file, `${pepper}\n`);
      assert.deepEqual(loadConfigFromEnv({ METIS_API_KEY_PEPPER: pepper }).apiKeyPepper, new Uint8Array(32).fill(7));
      assert.deepEqual(loadConfigFromEnv({ METIS_API_KEY_PEPPER_FILE: file }).apiKeyPepper, new Uint8Array(32).fill(7));
      assert.equal(loadConfigFromEnv({}).apiKeyPepper, undefined);
      assert.throws(() => loadConfigFromEnv({ METIS_API_KEY_PEPPER: pepper, METIS_API_KEY_PEPPER_FILE: file }), { code: 'INVALID_CONFIG', message: /both set/ });
      assert.throws(() => loadConfigFromEnv({ METIS_API_KEY_PEPPER_FILE: join(dir, 'absent') }), { code: 'API_KEY_PEPPER_MISSING', message: /cannot be read.*metis dev init/ });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a pepper shorter than 32 bytes or not base64 is refused', () => {
    assert.throws(() => loadConfigFromEnv({ METIS_API_KEY_PEPPER: Buffer.alloc(31, 1).toString('base64') }), { code: 'INVALID_CONFIG', message: /at least 32 bytes/ });
    assert.throws(() => loadConfigFromEnv({ METIS_API_KEY_PEPPER: 'not base64 at all!'.repeat(4) }), { code: 'INVALID_CONFIG' });
  });
});
