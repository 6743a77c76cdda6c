import { ConfigurationError } from '@metis/activities/errors';
import type { MinioObjectStoreConfig, PoolSettings } from '@metis/activities/storage';
import { isTaskQueuePrefix, TASK_QUEUE_PREFIX_RULE, TASK_QUEUE_SEPARATOR, taskQueueName } from '@metis/workflows';
import { createDerivedKeyring } from './codec/keyring.ts';
import type { Keyring } from './codec/keyring.ts';

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
  /** Encrypt every Temporal payload with its tenant's key (AES-256-GCM); off when absent. */
  readonly encryption?: { readonly keyring: Keyring };
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
  const masterKey = env['METIS_PAYLOAD_KEY'];
  let encryption: MetisConfig['encryption'];
  if (masterKey) {
    const bytes = Buffer.from(masterKey, 'base64');
    if (bytes.byteLength < 32) throw new ConfigurationError('INVALID_CONFIG', 'METIS_PAYLOAD_KEY must be at least 32 bytes, base64-encoded', { hint: 'Generate one with `openssl rand -base64 32`' });
    encryption = { keyring: createDerivedKeyring({ masterKey: bytes, version: Number(env['METIS_PAYLOAD_KEY_VERSION'] ?? 1) }) };
  }
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
  };
}
