import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { sampleTenants } from '@metis/fsm';
import { journeyWorkflowId } from '@metis/workflows';
import { auditHistory, ConfigurationError, createDerivedKeyring, createMetis, createTenantPayloadCodec, loadConfigFromEnv, UnknownKeyError } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Keyring, Metis, MetisConfig } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId } from '@metis/testing';
import { AADHAAR, AS_OF, scan } from './journey-fixtures.ts';
import { assertNoClearPii } from './support/raw-history.ts';

const acme = sampleTenants.acme;
const tenants = [{ tenantId: acme.tenantId, displayName: acme.name, journeys: acme.journeys }];
const PAN = 'ABCPS1234K';
const PERSON = { name: 'Rahul Kumar Sharma', email: 'rahul.sharma@example.com', phone: '9876543210', date_of_birth: '1990-04-01' };
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('payload encryption is required and read from the environment', () => {
  const base = { DATABASE_URL: 'postgres://metis_app:metis_app@127.0.0.1:5432/metis_test' };
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-keys-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('without a key, the configuration has no encryption, and neither a client nor workers start (before any connection)', async () => {
    const config = loadConfigFromEnv({ ...base, METIS_TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(config.encryption, undefined);
    const missing = (error: unknown): boolean => error instanceof ConfigurationError && error.code === 'PAYLOAD_KEY_MISSING' && /METIS_PAYLOAD_ENCRYPTION=off/.test(error.message);
    await assert.rejects(createMetis({ ...config, tenants }), missing);
    await assert.rejects(createWorkers({ config, pools: { interactive: {} } }), missing);
  });

  test('METIS_PAYLOAD_ENCRYPTION=off turns it off explicitly; any other value is refused', () => {
    assert.equal(loadConfigFromEnv({ ...base, METIS_PAYLOAD_ENCRYPTION: 'off', METIS_PAYLOAD_KEY: b64(randomBytes(32)) }).encryption, 'off');
    assert.throws(() => loadConfigFromEnv({ ...base, METIS_PAYLOAD_ENCRYPTION: 'false' }), (e: unknown) => e instanceof ConfigurationError && e.code === 'INVALID_CONFIG' && /on or off/.test(e.message));
  });

  test('the key comes from METIS_PAYLOAD_KEY or from the file METIS_PAYLOAD_KEY_FILE, never from both; short, non-base64 or unreadable keys are refused', async () => {
    const master = randomBytes(32);
    const file = join(dir, 'payload-key');
    await writeFile(file, `${b64(master)}\n`);
    const inline = loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY: b64(master) }).encryption;
    const fromFile = loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY_FILE: file }).encryption;
    assert.ok(inline !== undefined && inline !== 'off' && fromFile !== undefined && fromFile !== 'off');
    // Both derive the same tenant key: what one encrypts, the other decrypts.
    const sealed = await createTenantPayloadCodec(inline.keyring).encode([{ metadata: {}, data: new TextEncoder().encode('x') }], { workflowId: 'journey:acme-finance:kyc:a' } as never);
    assert.deepEqual((await createTenantPayloadCodec(fromFile.keyring).decode(sealed))[0]?.data, new TextEncoder().encode('x'));
    const invalid = (pattern: RegExp) => (e: unknown) => e instanceof ConfigurationError && pattern.test(e.message);
    assert.throws(() => loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY: b64(master), METIS_PAYLOAD_KEY_FILE: file }), invalid(/both set/));
    assert.throws(() => loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY: b64(randomBytes(16)) }), invalid(/at least 32 bytes/));
    assert.throws(() => loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY: 'not base64 at all, but long enough to be 32 bytes!!' }), invalid(/at least 32 bytes, base64/));
    assert.throws(() => loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY_FILE: join(dir, 'absent') }), (e: unknown) => e instanceof ConfigurationError && e.code === 'PAYLOAD_KEY_MISSING');
    assert.throws(() => loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY: b64(master), METIS_PAYLOAD_KEY_VERSION: '0' }), invalid(/positive integer/));
    assert.throws(() => loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY: b64(master), METIS_PAYLOAD_KEY_VERSION: '2', METIS_PAYLOAD_PREVIOUS_KEYS: `2:${b64(master)}` }), invalid(/not below/));
    assert.throws(() => loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY: b64(master), METIS_PAYLOAD_KEY_VERSION: '3', METIS_PAYLOAD_PREVIOUS_KEYS: b64(master) }), invalid(/version:base64/));
  });

  test('rotation: the new version encrypts; payloads of older versions decrypt with their own master or the current one; later versions are unknown', async () => {
    const oldMaster = randomBytes(32);
    const newMaster = randomBytes(32);
    const v1 = createDerivedKeyring({ masterKey: oldMaster });
    const v3 = loadConfigFromEnv({ ...base, METIS_PAYLOAD_KEY: b64(newMaster), METIS_PAYLOAD_KEY_VERSION: '3', METIS_PAYLOAD_PREVIOUS_KEYS: `1:${b64(oldMaster)}` }).encryption;
    assert.ok(v3 !== undefined && v3 !== 'off');
    assert.equal(v3.keyring.currentKeyId('acme-finance'), 'acme-finance:v3');
    const context = { workflowId: 'journey:acme-finance:kyc:a' } as never;
    const data = new TextEncoder().encode('{"pan":"ABCPS1234K"}');
    const written = await createTenantPayloadCodec(v1).encode([{ metadata: {}, data }], context);
    assert.deepEqual((await createTenantPayloadCodec(v3.keyring).decode(written))[0]?.data, data, 'v1 with its own master');
    const v2 = await createTenantPayloadCodec(createDerivedKeyring({ masterKey: newMaster, version: 2 })).encode([{ metadata: {}, data }], context);
    assert.deepEqual((await createTenantPayloadCodec(v3.keyring).decode(v2))[0]?.data, data, 'v2 derived from the current master');
    const v3Written = await createTenantPayloadCodec(v3.keyring).encode([{ metadata: {}, data }], context);
    await assert.rejects(createTenantPayloadCodec(v1).decode(v3Written), UnknownKeyError, 'an older keyring does not know v3');
  });
});

describe('a journey across a key rotation, and a failure that carries PII', () => {
  const prefix = uniqueId('crypt');
  const base = testConfig({ temporal: { taskQueuePrefix: prefix } });
  const oldMaster = randomBytes(32);
  const rotated: Keyring = createDerivedKeyring({ masterKey: randomBytes(32), version: 2, previous: [{ version: 1, masterKey: oldMaster }] });
  const refuse = async (): Promise<never> => {
    await Promise.resolve();
    throw ApplicationFailure.nonRetryable(`the registry refused PAN ${PAN} of ${PERSON.name}`, 'REGISTRY_REFUSED');
  };
  let workers: MetisWorkers | undefined;
  let metis: Metis | undefined;
  const start = async (config: MetisConfig): Promise<Metis> => {
    workers = await createWorkers({ config, activities: { verifyJourneyDocuments: refuse } });
    metis = await createMetis({ ...config, tenants });
    return metis;
  };
  const stop = async (): Promise<void> => {
    await metis?.close();
    await workers?.shutdown();
    metis = undefined;
    workers = undefined;
  };
  after(stop);

  test('payloads written under v1 are read under v2, new ones use v2, no PII is stored in clear, and the failure message is encrypted but reaches the client', async () => {
    const applicant = uniqueId('rot');
    const workflowId = journeyWorkflowId(acme.tenantId, 'kyc', applicant);
    const before = await start({ ...base, encryption: { keyring: createDerivedKeyring({ masterKey: oldMaster }) } });
    await before.tenant(acme.tenantId).journeys.submit(applicant, 'kyc', 'provide_personal_details', PERSON, { asOf: AS_OF });
    await stop();

    const after = await start({ ...base, encryption: { keyring: rotated } });
    const kyc = after.tenant(acme.tenantId).journeys;
    const step = await kyc.submit(applicant, 'kyc', 'provide_pan_details', { pan_number: PAN, pan_image: scan() });
    assert.equal(step.journey.data['name'], PERSON.name, 'data written under v1 is read back under v2');
    await kyc.submit(applicant, 'kyc', 'provide_aadhar_details', { aadhar_number: AADHAAR, aadhar_image: scan() });
    let view = await kyc.get(applicant, 'kyc');
    for (let i = 0; i < 75 && !view.automationError; i++) {
      await new Promise((r) => setTimeout(r, 200));
      view = await kyc.get(applicant, 'kyc');
    }
    assert.match(view.automationError ?? '', /the registry refused PAN ABCPS1234K/, 'the client reads the decoded failure message');

    const { payloads, text } = await auditHistory(after.temporal, base.temporal.namespace, workflowId);
    const keyIds = new Set(payloads.map((p) => Buffer.from(p.metadata['encryption-key-id'] ?? []).toString()));
    assert.ok(keyIds.has(`${acme.tenantId}:v1`) && keyIds.has(`${acme.tenantId}:v2`), `both key versions in the history: ${[...keyIds].join(', ')}`);
    assert.ok(text.includes('Encoded failure'), 'the failure is stored with its message encoded');
    assert.ok(!text.includes('registry refused'), 'the failure message is not stored in clear');
    await assertNoClearPii(after.temporal, base.temporal.namespace, workflowId, [PAN, AADHAAR, PERSON.name, PERSON.email, PERSON.phone, PERSON.date_of_birth, 'Rahul']);
  });
});
