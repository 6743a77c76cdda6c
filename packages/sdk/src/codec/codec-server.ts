import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload } from '@temporalio/common';
import { MetisError } from '@metis/activities/errors';
import { tenantOfKeyId } from './keyring.ts';
import type { Keyring } from './keyring.ts';
import { AuthenticationError } from './ops-tokens.ts';
import type { Principal, TokenVerifier } from './ops-tokens.ts';
import { openPayload, payloadKeyId, sealPayload } from './tenant-codec.ts';

/** Options of the codec server the Temporal Web UI calls to show decrypted payloads. */
export interface CodecServerOptions {
  /** Keys the payloads were encrypted with. */
  readonly keyring: Keyring;
  /** Verify a bearer token (from `Authorization: Bearer …` or the session cookie). */
  readonly verifyToken: TokenVerifier;
  /** Role a principal needs to decode or encode (default `ops`). */
  readonly role?: string;
  /** Origin of the Web UI, the only one CORS allows (default `http://127.0.0.1:8233`). */
  readonly uiOrigin?: string;
  /** Temporal namespace whose payloads are served (default `default`); `X-Namespace` must name it. */
  readonly namespace?: string;
  /**
   * Origin operators open the sign-in page at (default `http://{host}:{port}` of the listener; set
   * it behind a proxy). Sign-in is accepted only from it; an `https:` origin makes the cookie Secure.
   */
  readonly publicOrigin?: string;
  /** Largest request body accepted, in bytes (default 4 MiB). */
  readonly maxBodyBytes?: number;
  /** Called once per refused or failed request, with the status, the reason and the principal's subject when known (never the token). */
  readonly onRefused?: (refusal: { readonly status: number; readonly code: string; readonly reason: string; readonly subject?: string }) => void;
  readonly host?: string;
  readonly port?: number;
}

/** A running codec server. */
export interface CodecServer {
  /** Base URL, the value of the Web UI's codec endpoint. */
  readonly url: string;
  /** Stop accepting requests and close. */
  close(): Promise<void>;
}

/** Name of the cookie a signed-in operator's token is kept in. */
export const CODEC_SESSION_COOKIE = 'metis_codec_session';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class Refusal extends MetisError {
  readonly status: number;
  readonly subject: string | undefined;
  /** What is reported to `onRefused` beside the message the caller gets. */
  readonly detail: string | undefined;
  constructor(status: number, code: string, message: string, extra: { subject?: string; detail?: string } = {}) {
    super(code, message);
    this.status = status;
    this.subject = extra.subject;
    this.detail = extra.detail;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bytesOf(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw new Refusal(400, 'BAD_PAYLOAD', `${where} is not base64`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function toPayload(value: unknown, index: number): Payload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Refusal(400, 'BAD_PAYLOAD', `payloads[${index}] is not an object`);
  const p = value as JsonPayload;
  const metadata = p.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new Refusal(400, 'BAD_PAYLOAD', `payloads[${index}].metadata is not an object`);
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, bytesOf(v, `payloads[${index}].metadata.${k}`)])),
    data: bytesOf(p.data ?? '', `payloads[${index}].data`),
  };
}

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== CODEC_SESSION_COOKIE) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return cookieToken(req);
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!match) throw new Refusal(401, 'AUTHENTICATION_FAILED', 'the Authorization header is not a bearer token');
  return match[1];
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new Refusal(413, 'BODY_TOO_LARGE', `the body is over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Refusal(413, 'BODY_TOO_LARGE', `the body is over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const SIGN_IN_PAGE = (status: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Metis codec server</title></head>
<body><main>
<h1>Metis codec server</h1>
<p id="status">${status}</p>
<form method="post" action="/session">
<label for="token">Operator token</label>
<textarea id="token" name="token" rows="4" cols="80" required></textarea>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/session/end"><button type="submit">Sign out</button></form>
</main></body></html>
`;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Start a codec server for Temporal's remote codec protocol (`POST …/decode`, `POST …/encode`):
 * every request needs a bearer token (header or session cookie) of a principal with the ops role,
 * decodes only payloads of the principal's tenant, answers only the Web UI's origin, and refuses
 * bad input with 400 and a problem document, never 500.
 */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const origin = options.uiOrigin ?? 'http://127.0.0.1:8233';
  const role = options.role ?? 'ops';
  const namespace = options.namespace ?? 'default';
  const limit = options.maxBodyBytes ?? 4 * 1024 * 1024;
  let listening = '';
  const ownOrigin = (): string => (options.publicOrigin === undefined ? listening : new URL(options.publicOrigin).origin);
  const secure = (): string => (ownOrigin().startsWith('https:') ? '; Secure' : '');

  const authenticate = async (req: IncomingMessage): Promise<Principal> => {
    const token = bearerToken(req);
    if (token === undefined) throw new Refusal(401, 'AUTHENTICATION_FAILED', 'a bearer token is required');
    const principal = await options.verifyToken(token);
    if (!principal.roles.includes(role)) throw new Refusal(403, 'FORBIDDEN', `the ${role} role is required`, { subject: principal.subject });
    return principal;
  };

  const codec = async (req: IncomingMessage, res: ServerResponse, operation: 'decode' | 'encode'): Promise<void> => {
    const principal = await authenticate(req);
    const asked = req.headers['x-namespace'];
    if (asked !== undefined && asked !== namespace) throw new Refusal(403, 'FORBIDDEN', `namespace ${JSON.stringify(asked)} is not served here`, { subject: principal.subject });
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, limit)).toString('utf8'));
    } catch (error) {
      if (error instanceof Refusal) throw error;
      throw new Refusal(400, 'BAD_REQUEST', 'the body is not JSON');
    }
    const list = (body as { payloads?: unknown } | null)?.payloads;
    if (typeof body !== 'object' || body === null || !Array.isArray(list)) throw new Refusal(400, 'BAD_REQUEST', 'the body must be { "payloads": [...] }');
    const payloads = list.map(toPayload);
    let out: Payload[];
    if (operation === 'decode') {
      for (const p of payloads) {
        const keyId = payloadKeyId(p);
        if (keyId !== undefined && tenantOfKeyId(keyId) === undefined) throw new Refusal(400, 'UNDECRYPTABLE_PAYLOAD', 'a payload names no key this server knows', { subject: principal.subject });
        if (keyId !== undefined && tenantOfKeyId(keyId) !== principal.tenantId) {
          throw new Refusal(403, 'FORBIDDEN', `a payload belongs to another tenant: only payloads of ${principal.tenantId} are decoded for this principal`, {
            subject: principal.subject,
            detail: `key ${keyId}`,
          });
        }
      }
      out = payloads.map((p) => {
        try {
          return openPayload(options.keyring, p);
        } catch {
          throw new Refusal(400, 'UNDECRYPTABLE_PAYLOAD', 'a payload cannot be decrypted with the keys held here', { subject: principal.subject });
        }
      });
    } else {
      const keyId = options.keyring.currentKeyId(principal.tenantId);
      out = payloads.map((p) => sealPayload(options.keyring, keyId, p));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
  };

  const session = async (req: IncomingMessage, res: ServerResponse, end: boolean): Promise<void> => {
    // A sign-in form posts from the server's own page: browsers send its origin; any other (an
    // attacker's page, a sandboxed frame's `null`, none at all) is refused.
    if (req.headers.origin !== ownOrigin()) throw new Refusal(403, 'FORBIDDEN', 'sign-in and sign-out are accepted only from this server\'s page');
    if (end) {
      res.writeHead(303, { location: '/', 'set-cookie': `${CODEC_SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure()}` }).end();
      return;
    }
    const form = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
    const token = (form.get('token') ?? '').trim();
    if (!token) throw new Refusal(400, 'BAD_REQUEST', 'the form has no token');
    const principal = await options.verifyToken(token);
    if (!principal.roles.includes(role)) throw new Refusal(403, 'FORBIDDEN', `the ${role} role is required`, { subject: principal.subject });
    const maxAge = Math.max(0, Math.floor((principal.expiresAt.getTime() - Date.now()) / 1000));
    res
      .writeHead(303, { location: '/', 'set-cookie': `${CODEC_SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure()}` })
      .end();
  };

  const home = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let status = 'Not signed in.';
    const token = cookieToken(req);
    if (token !== undefined) {
      try {
        const p = await options.verifyToken(token);
        status = `Signed in as ${escapeHtml(p.subject)} (${escapeHtml(p.roles.join(', '))}) of tenant ${escapeHtml(p.tenantId)}.`;
      } catch {
        status = 'The session has expired or is not valid: sign in again.';
      }
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'", 'x-frame-options': 'DENY' }).end(SIGN_IN_PAGE(status));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://codec').pathname;
    const last = path.split('/').pop();
    const isCodec = last === 'decode' || last === 'encode';
    const from = req.headers.origin;
    if (isCodec && from !== undefined) {
      if (from !== origin) throw new Refusal(403, 'FORBIDDEN', `origin ${from} is not allowed`);
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS' && isCodec) {
      res.writeHead(204, { 'access-control-allow-methods': 'POST, OPTIONS', 'access-control-allow-headers': 'content-type, authorization, authorization-extras, x-namespace', 'access-control-max-age': '600' }).end();
      return;
    }
    if (req.method === 'GET' && path === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (req.method === 'GET' && path === '/') return home(req, res);
    if (req.method === 'POST' && path === '/session') return session(req, res, false);
    if (req.method === 'POST' && path === '/session/end') return session(req, res, true);
    if (isCodec) {
      if (req.method !== 'POST') throw new Refusal(405, 'METHOD_NOT_ALLOWED', `${last} takes POST`);
      return codec(req, res, last);
    }
    throw new Refusal(404, 'NOT_FOUND', `no route ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const refusal =
        error instanceof Refusal
          ? error
          : error instanceof AuthenticationError
            ? new Refusal(401, error.code, error.message)
            : error instanceof MetisError && error.code === 'TOKEN_KEYS_UNAVAILABLE'
              ? new Refusal(503, error.code, 'the token signing keys cannot be fetched: try again')
              : new Refusal(500, 'INTERNAL_ERROR', 'the codec server failed', { detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      options.onRefused?.({ status: refusal.status, code: refusal.code, reason: refusal.detail === undefined ? refusal.message : `${refusal.message} (${refusal.detail})`, ...(refusal.subject === undefined ? {} : { subject: refusal.subject }) });
      if (res.headersSent) return void res.end();
      const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
      if (refusal.status === 401) headers['www-authenticate'] = 'Bearer';
      res.writeHead(refusal.status, headers).end(JSON.stringify({ type: 'about:blank', title: refusal.code, status: refusal.status, code: refusal.code, detail: refusal.message }));
      // An unread body would keep the connection busy.
      req.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  listening = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url: listening,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
