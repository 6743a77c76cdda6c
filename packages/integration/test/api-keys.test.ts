import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createPgDatabase, withPlatform, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { ConfigurationError, createMetis, DocumentNotFoundError, InvalidArgumentError } from '@metis/sdk';
import type { ApiKeyRole, LoanStatus, Metis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId, uniqueTenantId } from '@metis/testing';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('src/main.ts', import.meta.resolve('@metis/cli/package.json')));
const { apiKeyPepper: _envPepper, ...config } = testConfig();
const pepper = randomBytes(32);
const tenantA = uniqueTenantId('keys-a');
const tenantB = uniqueTenantId('keys-b');
const tenants = [
  { tenantId: tenantA, displayName: 'Keys A' },
  { tenantId: tenantB, displayName: 'Keys B' },
];
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
let workers: MetisWorkers;
let metis: Metis;
let otherPepper: Metis;
let onlyB: Metis;
let noPepper: Metis;

/** Run the `metis` command with this file's pepper and return its exit code and output. */
async function metisCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, METIS_API_KEY_PEPPER: pepper.toString('base64'), METIS_API_KEY_PEPPER_FILE: '' };
  return run(process.execPath, ['--conditions=metis-source', cli, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const storedKeys = (tenantId: string) => withTenant(db, tenantId, (trx) => trx.selectFrom('api_keys').selectAll().execute());

describe('API keys, tenant listings and security events on PostgreSQL', () => {
  before(async () => {
    workers = await createWorkers({ config, pools: { default: {} } });
    metis = await createMetis({ ...config, apiKeyPepper: pepper, tenants });
    otherPepper = await createMetis({ ...config, apiKeyPepper: randomBytes(32), tenants });
    onlyB = await createMetis({ ...config, apiKeyPepper: pepper, tenants: [tenants[1] ?? assert.fail()] });
    noPepper = await createMetis({ ...config, tenants });
  });
  after(async () => {
    for (const client of [metis, otherPepper, onlyB, noPepper]) await client?.close();
    await workers?.shutdown();
    await db.destroy();
  });

  test('a created key resolves to its tenant and role until it is revoked', async () => {
    const keys = metis.tenant(tenantA).apiKeys;
    const created = await keys.create({ name: 'loan intake', role: 'underwriter' });
    assert.match(created.keyId, /^[0-9a-f]{16}$/);
    assert.match(created.key, new RegExp(`^mk_${created.keyId}_[A-Za-z0-9_-]{43}$`));
    assert.equal(created.name, 'loan intake');
    assert.equal(created.role, 'underwriter');
    assert.ok(Math.abs(Date.parse(created.createdAt) - Date.now()) < 60_000, created.createdAt);
    assert.deepEqual(await metis.resolveApiKey(created.key), { tenantId: tenantA, keyId: created.keyId, role: 'underwriter' });
    const [listed] = await keys.list();
    assert.equal(listed?.keyId, created.keyId);
    assert.notEqual(listed?.lastUsedAt, null, 'resolving records when the key was last used');

    assert.equal(await keys.revoke(created.keyId), true);
    assert.equal(await metis.resolveApiKey(created.key), undefined);
    assert.equal(await keys.revoke(created.keyId), false, 'already revoked');
    assert.equal(await keys.revoke('0000000000000000'), false, 'unknown');
    assert.equal(await keys.revoke('not a key id'), false);
    const [revoked] = await keys.list();
    assert.ok(revoked?.revokedAt !== null && Date.parse(revoked?.revokedAt ?? '') > 0);
  });

  test('a key is its own tenant\'s only: never resolved as, listed by or revoked by another', async () => {
    const a = await metis.tenant(tenantA).apiKeys.create();
    const b = await metis.tenant(tenantB).apiKeys.create({ role: 'ops' });
    assert.equal(a.role, 'service', 'the default role');
    assert.deepEqual(await metis.resolveApiKey(a.key), { tenantId: tenantA, keyId: a.keyId, role: 'service' });
    assert.deepEqual(await metis.resolveApiKey(b.key), { tenantId: tenantB, keyId: b.keyId, role: 'ops' });
    assert.equal(await onlyB.resolveApiKey(a.key), undefined, 'a client not serving A does not accept its keys');
    assert.deepEqual(await onlyB.resolveApiKey(b.key), { tenantId: tenantB, keyId: b.keyId, role: 'ops' });
    assert.equal(await metis.tenant(tenantB).apiKeys.revoke(a.keyId), false);
    assert.ok(!(await metis.tenant(tenantB).apiKeys.list()).some((k) => k.keyId === a.keyId));
    assert.deepEqual(await metis.resolveApiKey(a.key), { tenantId: tenantA, keyId: a.keyId, role: 'service' }, 'B revoked nothing');
  });

  test('tampered, foreign-pepper and malformed keys resolve to nothing', async () => {
    const { key, keyId } = await metis.tenant(tenantA).apiKeys.create({ name: 'tamper target' });
    const secret = key.slice(20);
    const flipped = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
    const otherId = (keyId[0] === 'a' ? 'b' : 'a') + keyId.slice(1);
    const bad = [
      `mk_${keyId}_${flipped}`,
      `mk_${otherId}_${secret}`,
      key.toUpperCase(),
      key.slice(0, -1),
      `${key}A`,
      ` ${key}`,
      '',
      'mk_',
      `mk_${keyId}_`,
      'x'.repeat(10_240),
      `mk_${keyId}_${'A'.repeat(10_240)}`,
    ];
    for (const candidate of bad) assert.equal(await metis.resolveApiKey(candidate), undefined, candidate.slice(0, 80));
    assert.equal(await otherPepper.resolveApiKey(key), undefined, 'a key hashed with another pepper');
    assert.equal((await metis.resolveApiKey(key))?.keyId, keyId, 'the genuine key still resolves');
  });

  test('the row holds an HMAC of the key under the pepper, never the key', async () => {
    const { key, keyId } = await metis.tenant(tenantB).apiKeys.create({ name: 'row check' });
    const row = (await storedKeys(tenantB)).find((r) => r.key_id === keyId);
    assert.ok(row);
    assert.equal(row.key_hash, `hmac-sha256:${createHmac('sha256', pepper).update(key).digest('hex')}`);
    const text = JSON.stringify(row);
    assert.ok(!text.includes(key) && !text.includes(key.slice(20)), 'neither the key nor its secret is stored');
    assert.deepEqual(row.scopes, ['service']);
  });

  test('list shows names, roles and dates, never a secret or a hash', async () => {
    const created = await metis.tenant(tenantB).apiKeys.create({ name: '  padded  ', role: 'underwriter' });
    const listed = await metis.tenant(tenantB).apiKeys.list();
    const mine = listed.find((k) => k.keyId === created.keyId);
    assert.deepEqual(mine, { keyId: created.keyId, name: 'padded', role: 'underwriter', createdAt: created.createdAt, lastUsedAt: null, revokedAt: null });
    const text = JSON.stringify(listed);
    assert.ok(!text.includes(created.key.slice(20)) && !text.includes('hmac-sha256'));
    for (const k of listed) assert.deepEqual(Object.keys(k).sort(), ['createdAt', 'keyId', 'lastUsedAt', 'name', 'revokedAt', 'role']);
  });

  test('an unknown role or a bad name is refused and stores nothing', async () => {
    const keys = metis.tenant(tenantB).apiKeys;
    const before = (await storedKeys(tenantB)).length;
    await assert.rejects(keys.create({ role: 'admin' as ApiKeyRole }), (e: unknown) => e instanceof InvalidArgumentError && e.code === 'API_KEY_ROLE_UNKNOWN' && /service, underwriter, ops/.test(e.message));
    for (const name of ['', '   ', 'n'.repeat(101), 'tab\there', 'zero\u200bwidth', 42 as unknown as string]) {
      await assert.rejects(keys.create({ name }), (e: unknown) => e instanceof InvalidArgumentError && e.code === 'API_KEY_NAME_INVALID', JSON.stringify(name));
    }
    assert.equal((await storedKeys(tenantB)).length, before);
  });

  test('without a pepper the client starts but every API key method throws API_KEY_PEPPER_MISSING', async () => {
    const missing = (e: unknown): boolean => e instanceof ConfigurationError && e.code === 'API_KEY_PEPPER_MISSING' && /METIS_API_KEY_PEPPER/.test(e.message);
    const keys = noPepper.tenant(tenantA).apiKeys;
    await assert.rejects(keys.create(), missing);
    await assert.rejects(keys.list(), missing);
    await assert.rejects(keys.revoke('0000000000000000'), missing);
    await assert.rejects(noPepper.resolveApiKey('mk_'), missing);
    await assert.rejects(createMetis({ ...config, apiKeyPepper: new Uint8Array(16), tenants }), (e: unknown) => e instanceof ConfigurationError && e.code === 'INVALID_CONFIG');
  });

  test('metis keys create prints the key on its last line; list and revoke act on it', async () => {
    const created = await metisCli('keys', 'create', '--tenant', tenantA, '--name', 'from the cli', '--role', 'ops');
    assert.equal(created.code, 0, created.stderr);
    const lines = created.stdout.trimEnd().split('\n');
    const key = lines.at(-1) ?? '';
    assert.ok(lines.length >= 2, 'a description, then the key');
    const principal = await metis.resolveApiKey(key);
    assert.equal(principal?.tenantId, tenantA);
    assert.equal(principal?.role, 'ops');
    const keyId = principal?.keyId ?? '';

    const listed = await metisCli('keys', 'list', '--tenant', tenantA);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${keyId} +ops +live .*"from the cli"$`, 'm'));
    assert.ok(!listed.stdout.includes(key.slice(20)));

    const revoked = await metisCli('keys', 'revoke', '--tenant', tenantA, '--key-id', keyId);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(await metis.resolveApiKey(key), undefined);
    const again = await metisCli('keys', 'revoke', '--tenant', tenantA, '--key-id', keyId);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no live key/);
  });

  test('metis keys refuses an unregistered tenant, a bad role and missing options', async () => {
    const unknownTenant = uniqueTenantId('never-registered');
    const [unregistered, role, noTenant, noKeyId] = await Promise.all([
      metisCli('keys', 'create', '--tenant', unknownTenant),
      metisCli('keys', 'create', '--tenant', tenantA, '--role', 'root'),
      metisCli('keys', 'list'),
      metisCli('keys', 'revoke', '--tenant', tenantA),
    ]);
    assert.equal(unregistered.code, 1);
    assert.match(unregistered.stderr, new RegExp(`tenant ${unknownTenant} is not registered`));
    assert.equal(unregistered.stdout, '');
    for (const r of [role, noTenant, noKeyId]) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /usage: metis keys/);
    }
    assert.match(role.stderr, /unknown role "root"/);
  });

  test('loans.list reads the tenant\'s applications only, newest first, filtered and limited', async () => {
    const base = Date.parse('2026-03-01T10:00:00.000Z');
    const seed: { tenantId: string; id: string; status: LoanStatus; minutes: number; amount: string; decided: boolean }[] = [
      { tenantId: tenantA, id: 'a-1', status: 'approved', minutes: 0, amount: '50000.00', decided: true },
      { tenantId: tenantA, id: 'a-2', status: 'processing', minutes: 5, amount: '1250.50', decided: false },
      { tenantId: tenantA, id: 'a-3', status: 'approved', minutes: 10, amount: '9000.00', decided: true },
      { tenantId: tenantB, id: 'b-1', status: 'approved', minutes: 7, amount: '777.00', decided: true },
    ];
    for (const s of seed) {
      await withTenant(db, s.tenantId, (trx) =>
        trx
          .insertInto('loan_applications')
          .values({
            tenant_id: s.tenantId,
            application_id: s.id,
            workflow_id: `loan:${s.tenantId}:${s.id}`,
            applicant_id: `applicant-${s.id}`,
            amount: s.amount,
            status: s.status,
            decision: null,
            decided_at: s.decided ? new Date(base + s.minutes * 60_000 + 30_000) : null,
            created_at: new Date(base + s.minutes * 60_000),
          })
          .execute(),
      );
    }
    const listed = await metis.tenant(tenantA).loans.list();
    assert.deepEqual(listed, [
      { applicationId: 'a-3', applicantId: 'applicant-a-3', amount: 9000, status: 'approved', createdAt: '2026-03-01T10:10:00.000Z', decidedAt: '2026-03-01T10:10:30.000Z' },
      { applicationId: 'a-2', applicantId: 'applicant-a-2', amount: 1250.5, status: 'processing', createdAt: '2026-03-01T10:05:00.000Z', decidedAt: null },
      { applicationId: 'a-1', applicantId: 'applicant-a-1', amount: 50000, status: 'approved', createdAt: '2026-03-01T10:00:00.000Z', decidedAt: '2026-03-01T10:00:30.000Z' },
    ]);
    assert.deepEqual((await metis.tenant(tenantA).loans.list({ status: 'approved' })).map((l) => l.applicationId), ['a-3', 'a-1']);
    assert.deepEqual((await metis.tenant(tenantA).loans.list({ limit: 1 })).map((l) => l.applicationId), ['a-3']);
    assert.equal((await metis.tenant(tenantA).loans.list({ limit: 10_000 })).length, 3, 'a limit above 500 is capped, not refused');
    assert.deepEqual((await metis.tenant(tenantB).loans.list()).map((l) => l.applicationId), ['b-1']);
    for (const filter of [{ status: 'lost' as LoanStatus }, { limit: 0 }, { limit: 2.5 }]) {
      await assert.rejects(metis.tenant(tenantA).loans.list(filter), (e: unknown) => e instanceof InvalidArgumentError && e.code === 'INVALID_LOAN_FILTER', JSON.stringify(filter));
    }
  });

  test('documents.get returns what upload returned, and nothing of another tenant', async () => {
    const uploaded = await metis.tenant(tenantA).documents.upload({ kind: 'pan', body: new TextEncoder().encode('pan card of A'), contentType: 'text/plain' });
    assert.deepEqual(await metis.tenant(tenantA).documents.get(uploaded.documentId), uploaded);
    const named = await metis.tenant(tenantB).documents.upload({ kind: 'other', body: new Uint8Array([9, 8, 7]), documentId: uniqueId('named') });
    assert.deepEqual(await metis.tenant(tenantB).documents.get(named.documentId), named);
    const notFound = (e: unknown): boolean => e instanceof DocumentNotFoundError && e.code === 'DOCUMENT_NOT_FOUND';
    await assert.rejects(metis.tenant(tenantB).documents.get(uploaded.documentId), notFound, "another tenant's document");
    await assert.rejects(metis.tenant(tenantA).documents.get(named.documentId), notFound);
    for (const id of [crypto.randomUUID(), 'not a uuid', '../etc', '', 'x'.repeat(10_240)]) {
      await assert.rejects(metis.tenant(tenantA).documents.get(id), notFound, id.slice(0, 40));
    }
  });

  test('recordSecurityEvent writes one event under the tenant it serves, else under the platform', async () => {
    const probe = crypto.randomUUID();
    const { key, keyId } = await metis.tenant(tenantA).apiKeys.create({ name: 'event probe' });
    await metis.recordSecurityEvent({ type: 'RATE_LIMIT_EXCEEDED', tenantId: tenantA, payload: { probe, keyId, route: '/loans' } });
    await metis.recordSecurityEvent({ type: 'AUTHENTICATION_FAILED', payload: { probe, presented: key, reason: 'revoked' } });
    await metis.recordSecurityEvent({ type: 'AUTHENTICATION_FAILED', tenantId: uniqueTenantId('not-served'), payload: { probe, reason: 'unknown tenant' } });
    const columns = ['event_type', 'aggregate_type', 'aggregate_id', 'payload'] as const;
    const underA = await withTenant(db, tenantA, (trx) => trx.selectFrom('events').select(columns).where('aggregate_type', '=', 'security').execute());
    assert.deepEqual(underA, [{ event_type: 'RATE_LIMIT_EXCEEDED', aggregate_type: 'security', aggregate_id: keyId, payload: { probe, keyId, route: '/loans' } }]);
    const underPlatform = await withPlatform(db, (trx) => trx.selectFrom('events').select(columns).where(sql<string>`payload->>'probe'`, '=', probe).orderBy('created_at').execute());
    assert.deepEqual(underPlatform, [
      { event_type: 'AUTHENTICATION_FAILED', aggregate_type: 'security', aggregate_id: 'anonymous', payload: { probe, presented: `mk_${keyId}_[redacted]`, reason: 'revoked' } },
      { event_type: 'AUTHENTICATION_FAILED', aggregate_type: 'security', aggregate_id: 'anonymous', payload: { probe, reason: 'unknown tenant' } },
    ]);
    await assert.rejects(metis.recordSecurityEvent({ type: 'LOAN_APPROVED' as 'RATE_LIMIT_EXCEEDED', payload: {} }), (e: unknown) => e instanceof InvalidArgumentError && e.code === 'INVALID_SECURITY_EVENT');
  });
});
