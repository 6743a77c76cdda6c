// Requests to the service under test, and the credentials a caller could forge.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { devPaths } from '@metis/cli/dev-auth';

/** A response: status, headers and the parsed JSON body (or the text). */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

/** Send a request with a credential and return the reply. */
export async function call(base: string, method: string, path: string, options: { key?: string; token?: string; json?: unknown; body?: string | FormData | Uint8Array; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['x-api-key'] = options.key;
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** Read one of the example documents (`acme-pan.jpg`, `acme-aadhaar.jpg`, `bank-statement.jpg`). */
export async function sampleDocument(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(fileURLToPath(new URL(`../../../cli/scripts/documents/${name}`, import.meta.url))));
}

/** Sign a token with the local stack's development key, with any issuer, audience and expiry. */
export async function signWithDevKey(claims: { tenantId: string; roles: readonly string[]; subject: string; issuer?: string; audience?: string; expiresAt?: number }): Promise<string> {
  const jwk = JSON.parse(await readFile(devPaths().signingKey, 'utf8')) as Record<string, unknown>;
  return new SignJWT({ tenant_id: claims.tenantId, roles: [...claims.roles] })
    .setProtectedHeader({ alg: 'ES256', kid: String(jwk['kid']), typ: 'JWT' })
    .setIssuer(claims.issuer ?? 'metis-dev')
    .setAudience(claims.audience ?? 'metis')
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(claims.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
    .sign(await importJWK(jwk, 'ES256'));
}

/** Sign a token with a key the service has never seen, under the dev key's id. */
export async function forgedToken(tenantId: string, roles: readonly string[], subject: string): Promise<string> {
  const jwk = JSON.parse(await readFile(devPaths().signingKey, 'utf8')) as Record<string, unknown>;
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ tenant_id: tenantId, roles: [...roles] })
    .setProtectedHeader({ alg: 'ES256', kid: String(jwk['kid']), typ: 'JWT' })
    .setIssuer('metis-dev')
    .setAudience('metis')
    .setSubject(subject)
    .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
    .sign(privateKey);
}

/** Build an unsigned token (`alg: none`) with the claims an attacker would want. */
export function unsignedToken(tenantId: string, roles: readonly string[], subject: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: 'metis-dev', aud: 'metis', sub: subject, tenant_id: tenantId, roles, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}
