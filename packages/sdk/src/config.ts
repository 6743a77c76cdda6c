import { ConfigurationError } from '@metis/activities/errors';
import type { MinioObjectStoreConfig, PoolSettings } from '@metis/activities/storage';
import { isTaskQueuePrefix, TASK_QUEUE_PREFIX_RULE, TASK_QUEUE_SEPARATOR, taskQueueName } from '@metis/workflows';
import { readFileSync } from 'node:fs';
import { createDerivedKeyring } from './codec/keyring.ts';
import type { PreviousMasterKey } from './codec/keyring.ts';
import type { PayloadEncryption } from './codec/data-converter.ts';

/** Where the Temporal frontend is. */
export interface TemporalConfig {
  /** `host:port` of the frontend (default `127.0.0.1:7233`). */
  readonly address: string;
  /** Namespace (default `default`). */
  readonly namespace: string;
  /** Base URL of the Temporal Web UI (default `http://127.0.0.1:8233`). */
  readonly webUiUrl: string;
  /**
   * Prefix of every task queue name (default none), joined with `-`: `acme` polls and starts on
   * `acme-metis-interactive`, `acme-metis-default` and `acme-metis-ai`. 1–64 letters, digits, `.`,
   * `_` or `-`, starting and ending with a letter or digit. (`METIS_TASK_QUEUE_PREFIX` may still end
   * with the `-`, as it had to when the prefix was concatenated: {@link loadConfigFromEnv} strips it.)
   */
  readonly taskQueuePrefix?: string;
}

/** How to reach PostgreSQL. */
export interface DatabaseConfig {
  /** URL of the application role: not an owner, not a superuser. */
  readonly url: string;
  /** URL of the schema owner, used only to migrate. */
  readonly migrationUrl?: string;
  /** URL of an administrator, used only to provision roles and the database. */
  readonly adminUrl?: string;
  /** Pool sizing. */
  readonly pool?: PoolSettings;
}

/** Everything Metis needs to connect to its servers. */
export interface MetisConfig {
  /** Temporal frontend. */
  readonly temporal: TemporalConfig;
  /** PostgreSQL. */
  readonly database: DatabaseConfig;
  /** S3-compatible object store. */
  readonly objectStore: MinioObjectStoreConfig;
  /**
   * Encrypt every Temporal payload with its tenant's key (AES-256-GCM), or `'off'`. Required by
   * `createMetis` and `createWorkers`: without it they throw `ConfigurationError`.
   */
  readonly encryption?: PayloadEncryption;
  /**
   * Server secret (at least 32 bytes) keyed into the HMAC-SHA256 stored for each API key. Without it
   * clients still start, but every API key method throws `ConfigurationError` `API_KEY_PEPPER_MISSING`.
   */
  readonly apiKeyPepper?: Uint8Array;
}

type Env = Readonly<Record<string, string | undefined>>;

function pick(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

function checkUrl(name: string, value: string, protocols: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError('INVALID_CONFIG', `${name} is not a URL: ${JSON.stringify(value)}`, { hint: `Set ${name} to e.g. ${protocols[0]}//host:port` });
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigurationError('INVALID_CONFIG', `${name} must use ${protocols.join(' or ')}, got ${url.protocol}`);
  }
  return value;
}

/** Throw `ConfigurationError` unless `prefix` (the value of `setting`) may prefix task queue names. */
export function checkTaskQueuePrefixConfig(prefix: string | undefined, setting = 'temporal.taskQueuePrefix'): void {
  if (prefix === undefined || isTaskQueuePrefix(prefix)) return;
  const trimmed = prefix.endsWith(TASK_QUEUE_SEPARATOR) ? prefix.slice(0, -TASK_QUEUE_SEPARATOR.length) : undefined;
  throw new ConfigurationError('INVALID_CONFIG', `${setting} ${JSON.stringify(prefix)} is not a task queue prefix`, {
    hint:
      trimmed !== undefined && isTaskQueuePrefix(trimmed)
        ? `Drop the trailing '${TASK_QUEUE_SEPARATOR}': ${trimmed} gives ${taskQueueName('default', trimmed)}`
        : `Use ${TASK_QUEUE_PREFIX_RULE}: e.g. acme, for ${taskQueueName('default', 'acme')}`,
  });
}

/**
 * Read the configuration from environment variables, with defaults for the local stack.
 *
 * `METIS_TASK_QUEUE_PREFIX` may end with one `-`, as it had to when prefixes were concatenated to
 * queue names: that `-` is stripped, so `acme-` and `acme` both give `taskQueuePrefix` `acme` and
 * the queues `acme-metis-*` (what `acme-` named before). What remains is checked like any prefix:
 * `acme--` and `-` are refused.
 */
export function loadConfigFromEnv(env: Env = process.env): MetisConfig {
  const pg = ['postgres:', 'postgresql:'];
  const encryption = payloadEncryptionFromEnv(env);
  const apiKeyPepper = apiKeyPepperFromEnv(env);
  // Empty is unset, as for every variable here. One trailing separator is the old convention
  // (the prefix was concatenated): `acme-` meant `acme-metis-default`, as `acme` does now.
  const raw = env['METIS_TASK_QUEUE_PREFIX'] || undefined;
  const prefix = raw?.endsWith(TASK_QUEUE_SEPARATOR) ? raw.slice(0, -TASK_QUEUE_SEPARATOR.length) : raw;
  if (prefix !== undefined && !isTaskQueuePrefix(prefix)) checkTaskQueuePrefixConfig(raw, 'METIS_TASK_QUEUE_PREFIX');
  return {
    temporal: {
      address: pick(env, 'METIS_TEMPORAL_ADDRESS', '127.0.0.1:7233'),
      namespace: pick(env, 'METIS_TEMPORAL_NAMESPACE', 'default'),
      webUiUrl: checkUrl('METIS_TEMPORAL_UI_URL', pick(env, 'METIS_TEMPORAL_UI_URL', 'http://127.0.0.1:8233'), ['http:', 'https:']).replace(/\/$/, ''),
      ...(prefix ? { taskQueuePrefix: prefix } : {}),
    },
    database: {
      url: checkUrl('DATABASE_URL', pick(env, 'DATABASE_URL', 'postgres://metis_app:metis_app@127.0.0.1:5432/metis'), pg),
      migrationUrl: checkUrl('METIS_MIGRATION_DATABASE_URL', pick(env, 'METIS_MIGRATION_DATABASE_URL', 'postgres://metis_owner:metis_owner@127.0.0.1:5432/metis'), pg),
      adminUrl: checkUrl('METIS_ADMIN_DATABASE_URL', pick(env, 'METIS_ADMIN_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres'), pg),
    },
    objectStore: {
      endpoint: checkUrl('METIS_S3_ENDPOINT', pick(env, 'METIS_S3_ENDPOINT', 'http://127.0.0.1:9000'), ['http:', 'https:']),
      accessKey: pick(env, 'METIS_S3_ACCESS_KEY', 'metis'),
      secretKey: pick(env, 'METIS_S3_SECRET_KEY', 'metis-dev-secret'),
      bucket: pick(env, 'METIS_S3_BUCKET', 'metis'),
      region: pick(env, 'METIS_S3_REGION', 'us-east-1'),
    },
    ...(encryption ? { encryption } : {}),
    ...(apiKeyPepper ? { apiKeyPepper } : {}),
  };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function masterKeyOf(name: string, value: string): Uint8Array {
  const text = value.replace(/\s+/g, '');
  const bytes = BASE64.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.byteLength < 32) throw new ConfigurationError('INVALID_CONFIG', `${name} must be at least 32 bytes, base64-encoded`, { hint: 'Generate one with `openssl rand -base64 32`' });
  return new Uint8Array(bytes);
}

function keyVersionOf(name: string, value: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value.trim())) throw new ConfigurationError('INVALID_CONFIG', `${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return Number(value.trim());
}

/** Read the API key pepper from `METIS_API_KEY_PEPPER` (base64) or the file `METIS_API_KEY_PEPPER_FILE`; undefined when neither is set. */
function apiKeyPepperFromEnv(env: Env): Uint8Array | undefined {
  const inline = env['METIS_API_KEY_PEPPER'] || undefined;
  const file = env['METIS_API_KEY_PEPPER_FILE'] || undefined;
  if (inline !== undefined && file !== undefined) {
    throw new ConfigurationError('INVALID_CONFIG', 'METIS_API_KEY_PEPPER and METIS_API_KEY_PEPPER_FILE are both set', { hint: 'Keep one of them' });
  }
  if (inline !== undefined) return masterKeyOf('METIS_API_KEY_PEPPER', inline);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError('API_KEY_PEPPER_MISSING', `METIS_API_KEY_PEPPER_FILE ${JSON.stringify(file)} cannot be read`, {
      hint: 'Create it with `openssl rand -base64 32 > FILE` (`metis dev init` creates the development pepper .metis/api-key-pepper)',
      cause: error,
    });
  }
  return masterKeyOf(`the pepper in METIS_API_KEY_PEPPER_FILE ${JSON.stringify(file)}`, text);
}

/**
 * Read payload encryption from `METIS_PAYLOAD_ENCRYPTION` (`on`, the default, or `off`), the master
 * key from `METIS_PAYLOAD_KEY` or the file `METIS_PAYLOAD_KEY_FILE`, its version from
 * `METIS_PAYLOAD_KEY_VERSION` (default 1) and the master keys of older versions from
 * `METIS_PAYLOAD_PREVIOUS_KEYS` (`version:base64`, comma-separated). Return undefined when
 * encryption is on but no key is set: clients and workers then refuse to start.
 */
function payloadEncryptionFromEnv(env: Env): PayloadEncryption | undefined {
  const mode = (env['METIS_PAYLOAD_ENCRYPTION'] || 'on').trim().toLowerCase();
  if (mode === 'off') return 'off';
  if (mode !== 'on') throw new ConfigurationError('INVALID_CONFIG', `METIS_PAYLOAD_ENCRYPTION must be on or off, got ${JSON.stringify(env['METIS_PAYLOAD_ENCRYPTION'])}`);
  const inline = env['METIS_PAYLOAD_KEY'] || undefined;
  const file = env['METIS_PAYLOAD_KEY_FILE'] || undefined;
  if (inline !== undefined && file !== undefined) {
    throw new ConfigurationError('INVALID_CONFIG', 'METIS_PAYLOAD_KEY and METIS_PAYLOAD_KEY_FILE are both set', { hint: 'Keep one of them' });
  }
  let masterKey: Uint8Array;
  if (inline !== undefined) {
    masterKey = masterKeyOf('METIS_PAYLOAD_KEY', inline);
  } else if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigurationError('PAYLOAD_KEY_MISSING', `METIS_PAYLOAD_KEY_FILE ${JSON.stringify(file)} cannot be read`, {
        hint: 'Create it with `openssl rand -base64 32 > FILE` (`npm run stack -- up` creates the development key .metis/payload-key)',
        cause: error,
      });
    }
    masterKey = masterKeyOf(`the key in METIS_PAYLOAD_KEY_FILE ${JSON.stringify(file)}`, text);
  } else {
    return undefined;
  }
  const version = env['METIS_PAYLOAD_KEY_VERSION'] ? keyVersionOf('METIS_PAYLOAD_KEY_VERSION', env['METIS_PAYLOAD_KEY_VERSION']) : 1;
  const previous: PreviousMasterKey[] = [];
  for (const entry of (env['METIS_PAYLOAD_PREVIOUS_KEYS'] ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf(':');
    if (at < 0) throw new ConfigurationError('INVALID_CONFIG', 'METIS_PAYLOAD_PREVIOUS_KEYS entries are version:base64', { hint: 'e.g. METIS_PAYLOAD_PREVIOUS_KEYS=1:BASE64KEY' });
    const old = keyVersionOf('a METIS_PAYLOAD_PREVIOUS_KEYS version', entry.slice(0, at));
    if (old >= version) throw new ConfigurationError('INVALID_CONFIG', `METIS_PAYLOAD_PREVIOUS_KEYS has version ${old}, not below METIS_PAYLOAD_KEY_VERSION ${version}`);
    if (previous.some((p) => p.version === old)) throw new ConfigurationError('INVALID_CONFIG', `METIS_PAYLOAD_PREVIOUS_KEYS has version ${old} twice`);
    previous.push({ version: old, masterKey: masterKeyOf(`the METIS_PAYLOAD_PREVIOUS_KEYS key of version ${old}`, entry.slice(at + 1)) });
  }
  return { keyring: createDerivedKeyring({ masterKey, version, previous }) };
}
