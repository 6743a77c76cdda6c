// Credentials, roles and limits: every refused credential is a 401 with an AUTHENTICATION_FAILED
// event and no secret in the event or the log; roles give 403; limits give 413 and 429; hostile
// ids and 1,000 fuzzed requests get only 4xx and change nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPgDatabase, withPlatform, withTenant } from '@metis/activities/storage';
import type { MetisDatabase, TenantTransaction } from '@metis/activities/storage';
import { testConfig, uniqueId, waitFor } from '@metis/testing';
import type { FastifyInstance } from 'fastify';
import { call, forgedToken, sampleDocument, signWithDevKey, unsignedToken } from './support/http.ts';
import { startTestService } from './support/service.ts';
import type { TestService } from './support/service.ts';

const ACME = 'acme-finance';
const ZENITH = 'zenith-microfinance';
const db = createPgDatabase<MetisDatabase>({ url: testConfig().database.url, pool: { max: 2, min: 0 } });
let service: TestService;
let acmeKey: string;

async function securityEvents(tenantId: string, type: string, since: Date): Promise<Record<string, unknown>[]> {
  const query = (trx: TenantTransaction) => trx.selectFrom('events').select('payload').where('event_type', '=', type).where('created_at', '>=', since).execute();
  const rows = tenantId === 'platform' ? await withPlatform(db, query) : await withTenant(db, tenantId, query);
  return rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload));
}

async function tenantCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const tenantId of [ACME, ZENITH]) {
    await withTenant(db, tenantId, async (trx) => {
      for (const table of ['journeys', 'journey_transitions', 'documents', 'loan_applications', 'api_keys'] as const) {
        const row = await trx.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
        counts[`${tenantId}.${table}`] = Number(row.n);
      }
    });
  }
  return counts;
}

before(async () => {
  service = await startTestService();
  acmeKey = await service.key(ACME);
});
after(async () => {
  await service?.close();
  await db.destroy();
});

describe('authentication', () => {
  test('no credential, a forged, expired, unsigned or wrong-issuer token, a bad or revoked key: 401, an event, nothing secret logged', async () => {
    const lines: string[] = [];
    const app = await service.build({ logDestination: { write: (line) => void lines.push(line) } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const since = new Date(Date.now() - 1000);
      const subject = uniqueId('applicant');
      const revoked = await service.metis.tenant(ACME).apiKeys.create({ name: uniqueId('revoked') });
      await service.metis.tenant(ACME).apiKeys.revoke(revoked.keyId);
      const tampered = `${acmeKey.slice(0, -2)}${acmeKey.endsWith('A') ? 'B' : 'A'}A`;
      const cases: [string, { key?: string; token?: string; headers?: Record<string, string> }][] = [
        ['no credential', {}],
        ['a forged token', { token: await forgedToken(ACME, ['applicant'], subject) }],
        ['an expired token', { token: await signWithDevKey({ tenantId: ACME, roles: ['applicant'], subject, expiresAt: Math.floor(Date.now() / 1000) - 120 }) }],
        ['alg none', { token: unsignedToken(ACME, ['underwriter'], subject) }],
        ['a wrong issuer', { token: await signWithDevKey({ tenantId: ACME, roles: ['applicant'], subject, issuer: 'someone-else' }) }],
        ['a wrong audience', { token: await signWithDevKey({ tenantId: ACME, roles: ['applicant'], subject, audience: 'another-api' }) }],
        ['an unknown tenant', { token: await signWithDevKey({ tenantId: 'nobody-bank', roles: ['applicant'], subject }) }],
        ['no accepted role', { token: await signWithDevKey({ tenantId: ACME, roles: ['admin'], subject }) }],
        ['a basic header', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
        ['a tampered key', { key: tampered }],
        ['a revoked key', { key: revoked.key }],
        ['a key and a token', { key: acmeKey, token: await service.token(ACME, ['applicant'], subject) }],
      ];
      const secrets: string[] = [revoked.key, tampered, acmeKey];
      for (const [what, credential] of cases) {
        if (credential.token) secrets.push(credential.token);
        const r = await call(url, 'GET', `/v1/journeys/kyc/${subject}`, credential);
        assert.equal(r.status, 401, `${what}: ${r.text}`);
        assert.equal(r.body['code'], 'AUTHENTICATION_FAILED', what);
        assert.match(r.headers.get('www-authenticate') ?? '', /Bearer/, what);
        assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/, what);
      }
      const events = await securityEvents('platform', 'AUTHENTICATION_FAILED', since);
      assert.ok(events.length >= cases.length, `${events.length} events for ${cases.length} refusals`);
      const stored = JSON.stringify(events);
      const logged = lines.join('');
      assert.ok(logged.includes('AUTHENTICATION_FAILED'), 'the refusals are logged');
      for (const secret of secrets) {
        assert.ok(!stored.includes(secret), 'no credential in the events');
        assert.ok(!logged.includes(secret) && !logged.includes(secret.slice(-20)), 'no credential in the log');
      }
    } finally {
      await app.close();
    }
  });
});

describe('roles', () => {
  test('each role reaches its routes only: 403 otherwise', async () => {
    const applicant = await service.token(ACME, ['applicant'], uniqueId('applicant'));
    const underwriter = await service.token(ACME, ['underwriter'], 'priya');
    const ops = await service.token(ACME, ['ops'], 'oncall');
    const underwriterKey = await service.key(ACME, 'underwriter');
    const loan = { applicationId: uniqueId('app'), amount: 1, tenureMonths: 1, applicant: { applicantId: 'a1', name: 'X', pan: 'ABCPS1234K', dateOfBirth: '1990-01-01', monthlyIncome: 1 } };
    const refusals: [string, string, string, { key?: string; token?: string; json?: unknown }][] = [
      ['applicant lists reviews', 'GET', '/v1/reviews', { token: applicant }],
      ['applicant applies for a loan', 'POST', '/v1/loans', { token: applicant, json: loan }],
      ['applicant lists dead letters', 'GET', '/v1/dead-letters', { token: applicant }],
      ['underwriter submits a step', 'POST', '/v1/journeys/kyc/a1/steps', { token: underwriter, json: { step: 'provide_pan_details', data: {} } }],
      ['underwriter lists dead letters', 'GET', '/v1/dead-letters', { token: underwriter }],
      ['ops lists reviews', 'GET', '/v1/reviews', { token: ops }],
      ['ops applies for a loan', 'POST', '/v1/loans', { token: ops, json: loan }],
      ['service key lists reviews', 'GET', '/v1/reviews', { key: acmeKey }],
      ['underwriter key applies for a loan', 'POST', '/v1/loans', { key: underwriterKey, json: loan }],
    ];
    for (const [what, method, path, options] of refusals) {
      const r = await call(service.url, method, path, options);
      assert.equal(r.status, 403, `${what}: ${r.text}`);
      assert.equal(r.body['code'], 'FORBIDDEN', what);
    }
    assert.equal((await call(service.url, 'GET', '/v1/reviews', { key: underwriterKey })).status, 200, 'an underwriter key lists reviews');
  });
});

describe('limits', () => {
  test('a body or a file over its limit is 413; nothing is stored', async () => {
    const app = await service.build({ limits: { bodyBytes: 4096, fileBytes: 64 * 1024 } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const before = await tenantCounts();
      const big = await call(url, 'POST', `/v1/journeys/kyc/${uniqueId('a')}/steps`, { key: acmeKey, json: { step: 'provide_personal_details', data: { name: 'x'.repeat(8192) } } });
      assert.equal(big.status, 413, big.text);
      assert.equal(big.body['code'], 'PAYLOAD_TOO_LARGE');
      const image = new Uint8Array(128 * 1024);
      image.set([0xff, 0xd8, 0xff, 0xe0]);
      const form = new FormData();
      form.set('kind', 'pan');
      form.set('file', new Blob([image], { type: 'image/jpeg' }), 'big.jpg');
      const file = await call(url, 'POST', '/v1/documents', { key: acmeKey, body: form });
      assert.equal(file.status, 413, file.text);
      assert.deepEqual(await tenantCounts(), before);
    } finally {
      await app.close();
    }
  });

  test('past the per-caller and per-tenant limits: 429 with Retry-After and a RATE_LIMIT_EXCEEDED event of the tenant', async () => {
    const app: FastifyInstance = await service.build({ limits: { perCaller: 3, perTenant: 5, windowMs: 60_000 } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const since = new Date(Date.now() - 1000);
      const first = await service.key(ZENITH);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(url, 'GET', '/v1/me', { key: first })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429], 'the fourth request of one key is refused');
      // Another key of the same tenant has its own allowance, until the tenant's is spent: every
      // request counts for the tenant, refused ones too (4 so far).
      const second = await service.key(ZENITH);
      const fifth = await call(url, 'GET', '/v1/me', { key: second });
      assert.equal(fifth.status, 200, 'the fifth request of the tenant, the first of its second key');
      const spent = await call(url, 'GET', '/v1/me', { key: second });
      assert.equal(spent.status, 429, 'the tenant has 5 requests a window across its keys');
      assert.equal(spent.body['code'], 'RATE_LIMIT_EXCEEDED');
      assert.ok(Number(spent.headers.get('retry-after')) > 0, `Retry-After ${spent.headers.get('retry-after')}`);
      assert.equal((await call(url, 'GET', '/v1/me', { key: acmeKey })).status, 200, 'another tenant is not limited');
      // The event is written beside the refusal, not before it.
      const events = await waitFor(async () => {
        const found = await securityEvents(ZENITH, 'RATE_LIMIT_EXCEEDED', since);
        return found.some((e) => e['scope'] === 'caller') && found.some((e) => e['scope'] === 'tenant') ? found : undefined;
      });
      assert.ok(!JSON.stringify(events).includes(first), 'the key is not in the event');
    } finally {
      await app.close();
    }
  });
});

describe('refused steps', () => {
  test('a multipart step the journey refuses stores none of its files', async () => {
    const applicantId = uniqueId('applicant');
    const personal = { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' };
    assert.equal((await call(service.url, 'POST', `/v1/journeys/kyc/${applicantId}/steps`, { key: acmeKey, json: { step: 'provide_personal_details', data: personal } })).status, 200);
    const before = await tenantCounts();
    for (const [what, step, pan] of [['a malformed PAN', 'provide_pan_details', 'ABCPS1234'], ['a step of another state', 'provide_aadhar_details', 'ABCPS1234K']] as const) {
      const form = new FormData();
      form.set('step', step);
      form.set('data', JSON.stringify({ pan_number: pan, aadhar_number: '234567890124' }));
      form.set(step === 'provide_pan_details' ? 'pan_image' : 'aadhar_image', new Blob([await sampleDocument('acme-pan.jpg')], { type: 'image/jpeg' }), 'card.jpg');
      const r = await call(service.url, 'POST', `/v1/journeys/kyc/${applicantId}/steps`, { key: acmeKey, body: form });
      assert.equal(r.status, 422, `${what}: ${r.text}`);
      assert.equal(r.body['code'], 'STEP_REJECTED', what);
    }
    assert.deepEqual(await tenantCounts(), before, 'no document row, no transition');
  });
});

describe('malformed steps', () => {
  test('no body, a text body, data nested too deep, a typed document id from an applicant: 4xx, nothing stored', async () => {
    const applicantId = uniqueId('applicant');
    const path = `/v1/journeys/kyc/${applicantId}/steps`;
    const token = await service.token(ACME, ['applicant'], applicantId);
    const before = await tenantCounts();
    const empty = await call(service.url, 'POST', path, { key: acmeKey });
    assert.equal(empty.status, 415, empty.text);
    const text = await call(service.url, 'POST', path, { key: acmeKey, body: 'step=provide_personal_details', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415, text.text);
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    const nested = await call(service.url, 'POST', path, { key: acmeKey, json: { step: 'provide_personal_details', data: { name: deep } } });
    assert.equal(nested.status, 400, nested.text);
    assert.equal((nested.body['errors'] as { code: string }[])[0]?.code, 'TOO_DEEP');
    const typedDocument = await call(service.url, 'POST', path, { token, json: { step: 'provide_pan_details', data: { pan_number: 'ABCPS1234K', pan_image: { document_id: '6f1c1f0e-7d4b-4c55-9a51-3a1d2b9e0c11', bytes: 50_000 } } } });
    assert.equal(typedDocument.status, 400, typedDocument.text);
    assert.equal((typedDocument.body['errors'] as { code: string }[])[0]?.code, 'DOCUMENT_NOT_UPLOADED');
    assert.deepEqual(await tenantCounts(), before);
  });
});

describe('hostile input', () => {
  test('ids with .., slashes or control characters are refused before anything runs', async () => {
    const before = await tenantCounts();
    for (const id of ['..', '..%2F..%2Fetc', 'a%2Fb', 'a%00b', 'a%0Ab', '%2E%2E', 'a..b', '-x', 'x'.repeat(300), '%C0%AE%C0%AE']) {
      for (const [method, path] of [['GET', `/v1/journeys/kyc/${id}`], ['POST', `/v1/journeys/kyc/${id}/steps`], ['GET', `/v1/loans/${id}`], ['GET', `/v1/documents/${id}`], ['GET', `/v1/reviews/${id}`]] as const) {
        const r = await call(service.url, method, path, { key: acmeKey, ...(method === 'POST' ? { json: { step: 'provide_personal_details', data: {} } } : {}) });
        assert.ok([400, 404, 414].includes(r.status), `${method} ${path}: ${r.status} ${r.text}`);
        assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
    }
    assert.deepEqual(await tenantCounts(), before);
  });

  test('1,000 fuzzed requests: only 4xx, no 5xx, and nothing changes', async () => {
    const before = await tenantCounts();
    const token = await service.token(ACME, ['applicant'], 'fuzz-applicant');
    const segment = fc.oneof(fc.string({ maxLength: 12 }).map(encodeURIComponent), fc.constantFrom('..', '%00', '%2F', 'kyc', 'loan', 'x'.repeat(150), '%E2%80%AE', '%F0%9F%92%A5'));
    const path = fc.oneof(
      fc.tuple(segment, segment).map(([t, a]) => `/v1/journeys/${t}/${a}`),
      fc.tuple(segment, segment).map(([t, a]) => `/v1/journeys/${t}/${a}/steps`),
      segment.map((s) => `/v1/loans/${s}`),
      segment.map((s) => `/v1/loans/${s}/decision?waitMs=${s}`),
      segment.map((s) => `/v1/documents/${s}`),
      segment.map((s) => `/v1/reviews/${s}/decision`),
      segment.map((s) => `/v1/dead-letters/${s}/retry`),
      fc.constantFrom('/v1/loans', '/v1/documents', '/v1/journeys/kyc/fuzz-applicant/steps', '/v1/me'),
    );
    // Bodies that are never a valid step, loan or document: wrong types, unknown steps, broken JSON.
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 60 }),
      fc.constantFrom('{', '[]', 'null', '{"step":1}', '{"step":"no_such_step","data":{}}', '{"step":"provide_personal_details","data":{"email":"x"}}', '{"applicationId":"../x"}', '{"outcome":"maybe"}'),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ step: 'provide_pan_details', data: { pan_number: v } })),
    );
    const credential = fc.constantFrom<{ key?: string; token?: string }>({}, { key: acmeKey }, { token }, { key: 'mk_0000000000000000_x' }, { token: 'a.b.c' });
    const contentType = fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded');
    const requests = fc.sample(fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), path, body, credential, contentType }), { numRuns: 1000, seed: 20261201 });
    const statuses = new Map<number, number>();
    for (const r of requests) {
      const hasBody = r.body !== undefined && r.method !== 'GET';
      const reply = await call(service.url, r.method, r.path, { ...r.credential, ...(hasBody ? { body: r.body, headers: { 'content-type': r.contentType } } : {}) });
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      assert.ok(reply.status >= 400 && reply.status < 500, `${r.method} ${r.path} ${String(r.body)} → ${reply.status} ${reply.text}`);
    }
    assert.equal(requests.length, 1000);
    assert.deepEqual(await tenantCounts(), before, `nothing changed (statuses ${JSON.stringify([...statuses])})`);
  });
});
