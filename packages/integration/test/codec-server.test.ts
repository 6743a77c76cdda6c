import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { CODEC_SESSION_COOKIE, createDerivedKeyring, createTenantPayloadCodec, createTokenVerifier, startCodecServer } from '@metis/sdk';
import type { CodecServer } from '@metis/sdk';
import type { Payload } from '@temporalio/common';

const UI = 'http://127.0.0.1:8233';
const ISSUER = 'https://auth.example.test';
const AUDIENCE = 'metis';
const keyring = createDerivedKeyring({ masterKey: randomBytes(32) });
const codec = createTenantPayloadCodec(keyring);
const PII = '{"name":"Rahul Kumar Sharma","pan":"ABCPS1234K"}';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signing: Key;
let stranger: Key;
let server: CodecServer;
const refusals: { status: number; code: string; reason: string }[] = [];

async function token(claims: { tenant_id?: string; roles?: string[] }, options: { key?: Key; issuer?: string; audience?: string; expiresIn?: number; kid?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'k1' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject('ops@example.test')
    .setIssuedAt(now - 120)
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .sign(options.key ?? signing);
}

const toJson = (p: Payload) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])), data: Buffer.from(p.data ?? []).toString('base64') });

async function sealedFor(workflowId: string): Promise<string> {
  const [p] = await codec.encode([{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(PII) }], { workflowId } as never);
  assert.ok(p);
  return JSON.stringify({ payloads: [toJson(p)] });
}

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI, ...headers } });
}

describe('the codec server: authorised operators of one tenant, the Web UI origin only', () => {
  before(async () => {
    const issuerPair = await generateKeyPair('ES256', { extractable: true });
    signing = issuerPair.privateKey;
    stranger = (await generateKeyPair('ES256')).privateKey;
    const publicKey = await exportJWK(issuerPair.publicKey);
    server = await startCodecServer({
      keyring,
      verifyToken: createTokenVerifier({ jwks: { keys: [{ ...publicKey, kid: 'k1', alg: 'ES256' }] }, issuer: ISSUER, audience: AUDIENCE }),
      uiOrigin: UI,
      onRefused: (r) => refusals.push(r),
    });
  });
  after(async () => {
    await server.close();
  });

  test('an ops principal of the tenant decodes its payloads and encodes with its key', async () => {
    const bearer = `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] })}`;
    const res = await post('/decode', await sealedFor('journey:acme-finance:kyc:a-1'), { authorization: bearer });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), UI);
    const out = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(out.payloads[0]?.data ?? '', 'base64').toString(), PII);
    assert.equal(Buffer.from(out.payloads[0]?.metadata['encoding'] ?? '', 'base64').toString(), 'json/plain');
    // Mounted under a prefix, as the protocol allows, and through the session cookie instead of the header.
    const cookie = `${CODEC_SESSION_COOKIE}=${encodeURIComponent(bearer.slice(7))}`;
    const viaCookie = await post('/codec/decode?preserveStorageRefs=true', await sealedFor('journey:acme-finance:kyc:a-1'), { cookie });
    assert.equal(viaCookie.status, 200);
    const enc = await post('/encode', JSON.stringify({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') }] }), { authorization: bearer });
    assert.equal(enc.status, 200);
    const encoded = (await enc.json()) as { payloads: { metadata: Record<string, string> }[] };
    assert.equal(Buffer.from(encoded.payloads[0]?.metadata['encryption-key-id'] ?? '', 'base64').toString(), 'acme-finance:v1');
  });

  test('no token, a forged, expired, unsigned or foreign token → 401 with a problem document, never the plaintext', async () => {
    const body = await sealedFor('journey:acme-finance:kyc:a-2');
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, string>][] = [
      ['none', {}],
      ['not a bearer', { authorization: 'Basic b3BzOm9wcw==' }],
      ['garbage', { authorization: 'Bearer not-a-jwt' }],
      ['forged', { authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] }, { key: stranger })}` }],
      ['expired', { authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] }, { expiresIn: -60 })}` }],
      ['alg none', { authorization: `Bearer ${new UnsecuredJWT({ tenant_id: 'acme-finance', roles: ['ops'] }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('x').setExpirationTime(now + 600).encode()}` }],
      ['wrong issuer', { authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] }, { issuer: 'https://evil.example' })}` }],
      ['wrong audience', { authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] }, { audience: 'other' })}` }],
      ['no tenant', { authorization: `Bearer ${await token({ roles: ['ops'] })}` }],
      ['HMAC-signed', { authorization: `Bearer ${await new SignJWT({ tenant_id: 'acme-finance', roles: ['ops'] }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('x').setExpirationTime(now + 600).sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'))}` }],
    ];
    for (const [name, headers] of cases) {
      const res = await post('/decode', body, headers);
      assert.equal(res.status, 401, name);
      assert.equal(res.headers.get('content-type'), 'application/problem+json', name);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer', name);
      const text = await res.text();
      assert.equal((JSON.parse(text) as { code: string }).code, 'AUTHENTICATION_FAILED', name);
      assert.ok(!text.includes('Rahul'), name);
    }
    assert.ok(refusals.every((r) => !/eyJ/.test(r.reason)), 'no token in what is reported');
  });

  test('an ops principal of another tenant, a principal without the ops role, or another namespace → 403', async () => {
    const body = await sealedFor('journey:acme-finance:kyc:a-3');
    const other = await post('/decode', body, { authorization: `Bearer ${await token({ tenant_id: 'zenith-microfinance', roles: ['ops'] })}` });
    assert.equal(other.status, 403);
    const otherText = await other.text();
    assert.match(otherText, /another tenant: only payloads of zenith-microfinance are decoded/);
    assert.ok(!otherText.includes('acme-finance'), 'the refusal does not name the tenant the payload belongs to');
    const underwriter = await post('/decode', body, { authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['underwriter'] })}` });
    assert.equal(underwriter.status, 403);
    const namespace = await post('/decode', body, { authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] })}`, 'x-namespace': 'payments' });
    assert.equal(namespace.status, 403);
    // Platform workflows (the analytics export) are decoded only for platform operators.
    const platform = await sealedFor('analytics-export:2026-11-30');
    assert.equal((await post('/decode', platform, { authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] })}` })).status, 403);
    assert.equal((await post('/decode', platform, { authorization: `Bearer ${await token({ tenant_id: 'platform', roles: ['ops'] })}` })).status, 200);
  });

  test('CORS: the Web UI origin is allowed, any other origin is refused before anything is decoded', async () => {
    const preflight = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), UI);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    const evilPreflight = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(evilPreflight.status, 403);
    assert.equal(evilPreflight.headers.get('access-control-allow-origin'), null);
    const evil = await post('/decode', await sealedFor('journey:acme-finance:kyc:a-4'), { origin: 'http://evil.example', authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] })}` });
    assert.equal(evil.status, 403);
    assert.ok(!(await evil.text()).includes('Rahul'));
  });

  test('bad requests get 400 (or 404, 405, 413), never 500', async () => {
    const bearer = { authorization: `Bearer ${await token({ tenant_id: 'acme-finance', roles: ['ops'] })}` };
    const sealed = JSON.parse(await sealedFor('journey:acme-finance:kyc:a-5')) as { payloads: { metadata: Record<string, string>; data: string }[] };
    const tampered = { payloads: [{ ...sealed.payloads[0], data: Buffer.from(Buffer.from(sealed.payloads[0]?.data ?? '', 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString('base64') }] };
    const unknownKey = { payloads: [{ ...sealed.payloads[0], metadata: { ...sealed.payloads[0]?.metadata, 'encryption-key-id': Buffer.from('acme-finance:v9').toString('base64') } }] };
    const cases: [string, string, number][] = [
      ['not JSON', '{', 400],
      ['no payloads', '{}', 400],
      ['payloads not an array', '{"payloads":3}', 400],
      ['a payload not an object', '{"payloads":[1]}', 400],
      ['data not base64', '{"payloads":[{"metadata":{},"data":"%%%"}]}', 400],
      ['tampered', JSON.stringify(tampered), 400],
      ['unknown key version', JSON.stringify(unknownKey), 400],
      ['too large', JSON.stringify({ payloads: [{ metadata: {}, data: 'A'.repeat(5 * 1024 * 1024) }] }), 413],
    ];
    for (const [name, body, status] of cases) {
      const res = await post('/decode', body, bearer);
      assert.equal(res.status, status, name);
      assert.equal(res.headers.get('content-type'), 'application/problem+json', name);
    }
    assert.equal((await fetch(`${server.url}/decode`, { headers: bearer })).status, 405);
    assert.equal((await fetch(`${server.url}/admin`, { headers: bearer })).status, 404);
    // A key id with a leading zero is not a key version.
    const padded = { payloads: [{ ...sealed.payloads[0], metadata: { ...sealed.payloads[0]?.metadata, 'encryption-key-id': Buffer.from('acme-finance:v01').toString('base64') } }] };
    assert.equal((await post('/decode', JSON.stringify(padded), bearer)).status, 400);
  });

  test('an operator signs in on the server\'s page: the session cookie is HttpOnly and SameSite=Strict; a forged token does not sign in', async () => {
    const good = await token({ tenant_id: 'acme-finance', roles: ['ops'] });
    const res = await fetch(`${server.url}/session`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: good }), headers: { origin: server.url } });
    assert.equal(res.status, 303);
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, new RegExp(`^${CODEC_SESSION_COOKIE}=`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const page = await fetch(`${server.url}/`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    assert.match(await page.text(), /Signed in as ops@example\.test \(ops\) of tenant acme-finance/);
    const forged = await fetch(`${server.url}/session`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: await token({ tenant_id: 'acme-finance', roles: ['ops'] }, { key: stranger }) }), headers: { origin: server.url } });
    assert.equal(forged.status, 401);
    assert.equal(forged.headers.get('set-cookie'), null);
    // Login CSRF: another page, a sandboxed frame (`Origin: null`) or no origin at all cannot sign the browser in.
    for (const origin of ['http://evil.example', 'null', undefined]) {
      const crossSite = await fetch(`${server.url}/session`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: good }), headers: origin === undefined ? {} : { origin } });
      assert.equal(crossSite.status, 403, String(origin));
      assert.equal(crossSite.headers.get('set-cookie'), null, String(origin));
    }
    // A malformed cookie is no session, not an error.
    const garbled = await fetch(`${server.url}/`, { headers: { cookie: `${CODEC_SESSION_COOKIE}=%E0%A4%A` } });
    assert.equal(garbled.status, 200);
    assert.match(await garbled.text(), /Not signed in/);
  });
});
