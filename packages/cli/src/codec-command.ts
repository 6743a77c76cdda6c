import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { ConfigurationError } from '@metis/activities/errors';
import { isTenantId } from '@metis/activities/tenancy';
import { auditHistory, connectClient, DEFAULT_TOKEN_AUDIENCE, loadConfigFromEnv, startCodecServer, tokenVerifierFromEnv } from '@metis/sdk';
import { parseArguments } from './parse-arguments.ts';

/** What the codec and dev-auth commands need from their host. */
export interface CodecCommandIo {
  /** Print one line of output. */
  stdout(line: string): void;
  /** Print one line of diagnostics. */
  stderr(line: string): void;
  /** Environment (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Issuer of the development tokens `metis dev token` signs. */
export const DEV_ISSUER = 'metis-dev';
/** Default audience of Metis tokens. */
export const DEFAULT_AUDIENCE = DEFAULT_TOKEN_AUDIENCE;

/** Where the development secrets of a local stack live. */
export function devPaths(env: Readonly<Record<string, string | undefined>> = process.env): { payloadKey: string; apiKeyPepper: string; signingKey: string; jwks: string } {
  const home = resolve(env['METIS_HOME'] || '.metis');
  return { payloadKey: join(home, 'payload-key'), apiKeyPepper: join(home, 'api-key-pepper'), signingKey: join(home, 'dev-auth', 'signing-key.json'), jwks: join(home, 'dev-auth', 'jwks.json') };
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}

async function writeSecret(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, text, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
}

/**
 * Create the development secrets of a local stack where they are missing: the payload master key,
 * the API key pepper, and an ES256 key pair whose public JWKS verifies the tokens `metis dev token`
 * signs. Return what was created.
 */
export async function ensureDevSecrets(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string[]> {
  const paths = devPaths(env);
  const created: string[] = [];
  if (!(await exists(paths.payloadKey))) {
    await writeSecret(paths.payloadKey, `${randomBytes(32).toString('base64')}\n`);
    created.push(paths.payloadKey);
  }
  if (!(await exists(paths.apiKeyPepper))) {
    await writeSecret(paths.apiKeyPepper, `${randomBytes(32).toString('base64')}\n`);
    created.push(paths.apiKeyPepper);
  }
  if ((await exists(paths.signingKey)) && !(await exists(paths.jwks))) {
    // The public half went missing: derive it again from the private key.
    const publicJwk = JSON.parse(await readFile(paths.signingKey, 'utf8')) as Record<string, unknown>;
    delete publicJwk['d'];
    await writeFile(paths.jwks, `${JSON.stringify({ keys: [{ ...publicJwk, use: 'sig' }] }, null, 2)}\n`);
    created.push(paths.jwks);
  }
  if (!(await exists(paths.signingKey))) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `metis-dev-${randomBytes(4).toString('hex')}`;
    await writeSecret(paths.signingKey, `${JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' })}\n`);
    await writeFile(paths.jwks, `${JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }, null, 2)}\n`);
    created.push(paths.signingKey, paths.jwks);
  }
  return created;
}

const DURATION = /^([1-9][0-9]*)([smhd])$/;
const SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Sign a development token for a tenant's principal with the local stack's signing key. */
export async function signDevToken(options: { tenantId: string; roles: readonly string[]; subject: string; ttlSeconds: number; audience?: string; env?: Readonly<Record<string, string | undefined>> }): Promise<string> {
  const path = devPaths(options.env).signingKey;
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigurationError('DEV_KEYS_MISSING', `no development signing key at ${path}`, { hint: 'Run `npm run stack -- up` (or `metis dev init`) first', cause: error });
  }
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({ tenant_id: options.tenantId, roles: [...options.roles] })
    .setProtectedHeader({ alg: 'ES256', kid: String(jwk['kid']), typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(options.audience ?? DEFAULT_AUDIENCE)
    .setSubject(options.subject)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlSeconds)
    .sign(key);
}

const TOKEN_USAGE = `usage: metis dev token --tenant T [--role R]... [--subject S] [--ttl 1h]

  print a development token signed by the local stack's key (roles default to ops)`;

/** Run `metis dev token`. */
export async function runDevTokenCommand(args: string[], io: CodecCommandIo): Promise<number> {
  const result = parseArguments({
    args,
    options: { help: { type: 'boolean', short: 'h', default: false }, tenant: { type: 'string' }, role: { type: 'string', multiple: true }, subject: { type: 'string' }, ttl: { type: 'string', default: '1h' } },
    strict: true,
    allowPositionals: false,
  });
  if (!result.ok) {
    io.stderr(`metis dev token: ${result.problem}`);
    io.stderr(TOKEN_USAGE);
    return 2;
  }
  const { values } = result.parsed;
  if (values.help) {
    io.stdout(TOKEN_USAGE);
    return 0;
  }
  const ttl = DURATION.exec(values.ttl);
  const problem =
    values.tenant === undefined ? '--tenant is required' : !isTenantId(values.tenant) ? `--tenant ${JSON.stringify(values.tenant)} is not a tenant id` : !ttl ? `--ttl ${JSON.stringify(values.ttl)} is not a duration like 15m or 1h` : undefined;
  if (problem !== undefined || values.tenant === undefined || !ttl) {
    io.stderr(`metis dev token: ${problem ?? 'invalid arguments'}`);
    io.stderr(TOKEN_USAGE);
    return 2;
  }
  const roles = values.role ?? ['ops'];
  const ttlSeconds = Number(ttl[1]) * SECONDS[ttl[2] as keyof typeof SECONDS];
  io.stdout(await signDevToken({ tenantId: values.tenant, roles, subject: values.subject ?? `dev-${roles.join('-')}@${values.tenant}`, ttlSeconds, ...(io.env ? { env: io.env } : {}) }));
  return 0;
}

const SERVE_USAGE = `usage: metis codec serve [--address HOST:PORT] [--ui-origin URL]

  serve Temporal's remote codec protocol to the Web UI for operators with the ops role
  (METIS_CODEC_ADDRESS, default 127.0.0.1:8234; METIS_CODEC_UI_ORIGIN, default the origin of
  METIS_TEMPORAL_UI_URL; tokens verified with METIS_AUTH_JWKS, METIS_AUTH_ISSUER, METIS_AUTH_AUDIENCE)`;

/** Run `metis codec serve` until SIGINT or SIGTERM. */
export async function runCodecServeCommand(args: string[], io: CodecCommandIo): Promise<number> {
  const env = io.env ?? process.env;
  const result = parseArguments({
    args,
    options: { help: { type: 'boolean', short: 'h', default: false }, address: { type: 'string' }, 'ui-origin': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (!result.ok) {
    io.stderr(`metis codec serve: ${result.problem}`);
    io.stderr(SERVE_USAGE);
    return 2;
  }
  const { values } = result.parsed;
  if (values.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  const config = loadConfigFromEnv(env);
  if (config.encryption === undefined || config.encryption === 'off') {
    throw new ConfigurationError('PAYLOAD_KEY_MISSING', 'the codec server needs the payload key', { hint: 'Set METIS_PAYLOAD_KEY or METIS_PAYLOAD_KEY_FILE as the workers have it' });
  }
  const verifyToken = await tokenVerifierFromEnv(env);
  const address = values.address ?? (env['METIS_CODEC_ADDRESS'] || '127.0.0.1:8234');
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
  if (!match || Number(match[2]) > 65_535) throw new ConfigurationError('INVALID_CONFIG', `codec address ${JSON.stringify(address)} is not HOST:PORT`);
  const originOf = (name: string, value: string): string => {
    try {
      return new URL(value).origin;
    } catch {
      throw new ConfigurationError('INVALID_CONFIG', `${name} ${JSON.stringify(value)} is not a URL`);
    }
  };
  const uiOrigin = originOf('the Web UI origin', values['ui-origin'] ?? (env['METIS_CODEC_UI_ORIGIN'] || config.temporal.webUiUrl));
  const publicOrigin = env['METIS_CODEC_PUBLIC_URL'] ? originOf('METIS_CODEC_PUBLIC_URL', env['METIS_CODEC_PUBLIC_URL']) : undefined;
  const server = await startCodecServer({
    keyring: config.encryption.keyring,
    verifyToken,
    uiOrigin,
    ...(publicOrigin === undefined ? {} : { publicOrigin }),
    namespace: config.temporal.namespace,
    host: match[1] ?? '127.0.0.1',
    port: Number(match[2]),
    onRefused: (r) => io.stderr(JSON.stringify({ level: r.status >= 500 ? 'error' : 'warn', time: new Date().toISOString(), msg: 'codec request refused', status: r.status, code: r.code, reason: r.reason, subject: r.subject })),
  });
  io.stdout(`codec server: ${server.url} (Web UI origin ${uiOrigin}, namespace ${config.temporal.namespace})`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.close();
  return 0;
}

const AUDIT_USAGE = `usage: metis codec audit [--query Q] [--limit N]

  read stored workflow histories without the codec and list every payload not encrypted
  (default: the 200 most recent workflows of the namespace; Q is a visibility query,
  e.g. "MetisTenant = 'acme-finance'"); exit 1 when one is found`;

/** Run \`metis codec audit\`: report workflows whose stored history holds a payload in clear. */
export async function runCodecAuditCommand(args: string[], io: CodecCommandIo): Promise<number> {
  const result = parseArguments({
    args,
    options: { help: { type: 'boolean', short: 'h', default: false }, query: { type: 'string' }, limit: { type: 'string', default: '200' } },
    strict: true,
    allowPositionals: false,
  });
  if (!result.ok || !/^[1-9][0-9]{0,5}$/.test(result.ok ? result.parsed.values.limit : '')) {
    io.stderr(`metis codec audit: ${result.ok ? '--limit must be a positive integer' : result.problem}`);
    io.stderr(AUDIT_USAGE);
    return 2;
  }
  const { values } = result.parsed;
  if (values.help) {
    io.stdout(AUDIT_USAGE);
    return 0;
  }
  const config = loadConfigFromEnv({ ...(io.env ?? process.env), METIS_PAYLOAD_ENCRYPTION: 'off', METIS_API_KEY_PEPPER: undefined, METIS_API_KEY_PEPPER_FILE: undefined });
  const { namespace } = config.temporal;
  const connection = await connectClient(config.temporal);
  try {
    const limit = Number(values.limit);
    let audited = 0;
    let payloads = 0;
    let clear = 0;
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: Math.min(100, limit - audited), ...(values.query ? { query: values.query } : {}), ...(nextPageToken ? { nextPageToken } : {}) });
      for (const execution of page.executions ?? []) {
        const workflowId = execution.execution?.workflowId ?? '';
        const runId = execution.execution?.runId ?? undefined;
        const audit = await auditHistory(connection, namespace, workflowId, runId ?? undefined);
        audited++;
        payloads += audit.payloads.length;
        clear += audit.clear.length;
        if (audit.clear.length > 0) {
          const encodings = [...new Set(audit.clear.map((c) => c.encoding))].join(', ');
          io.stdout(`${workflowId} ${runId ?? ''}: ${audit.clear.length} of ${audit.payloads.length} payloads not encrypted (${encodings})`);
        }
        if (audited >= limit) break;
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken && audited < limit);
    io.stdout(`audited ${audited} workflows of ${namespace}: ${payloads} payloads, ${clear} not encrypted`);
    return clear === 0 ? 0 : 1;
  } finally {
    await connection.close();
  }
}
