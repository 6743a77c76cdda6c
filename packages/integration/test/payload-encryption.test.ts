import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sampleTenants } from '@metis/fsm';
import { journeyWorkflowId } from '@metis/workflows';
import { createDerivedKeyring, createMetis, createTenantPayloadCodec, ENCRYPTED_ENCODING, startCodecServer } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { CodecServer, Metis } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId } from '@metis/testing';
import { AS_OF, scan } from './journey-fixtures.ts';

const keyring = createDerivedKeyring({ masterKey: randomBytes(32) });
const config = { ...testConfig({ temporal: { taskQueuePrefix: uniqueId('crypt') } }), encryption: { keyring } };
const acme = sampleTenants.acme;
const PAN = 'ABCPS1234K';
let workers: MetisWorkers;
let metis: Metis;
let codecServer: CodecServer;
const TOKEN = 'ops-token';

describe('payload encryption with per-tenant keys', () => {
  before(async () => {
    workers = await createWorkers({ config, pools: { interactive: {}, default: {} } });
    metis = await createMetis({ ...config, tenants: [{ tenantId: acme.tenantId, displayName: acme.name, journeys: acme.journeys }] });
    codecServer = await startCodecServer({ codec: createTenantPayloadCodec(keyring), authorize: (req) => req.headers.authorization === `Bearer ${TOKEN}` });
  });
  after(async () => {
    await codecServer.close();
    await metis.close();
    await workers.shutdown();
  });

  test('no PII reaches Temporal in clear, the journey still works, and only the tenant key opens it', async () => {
    const applicant = uniqueId('crypt');
    const kyc = metis.tenant(acme.tenantId).journeys;
    await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '9876543210', date_of_birth: '1990-04-01' }, { asOf: AS_OF });
    const step = await kyc.submit(applicant, 'kyc', 'provide_pan_details', { pan_number: PAN, pan_image: scan() });
    assert.equal(step.journey.data['pan_number'], PAN, 'the client sees the data decrypted');

    // The history as the server stores it.
    const workflowId = journeyWorkflowId(acme.tenantId, 'kyc', applicant);
    const raw = await metis.temporal.workflowService.getWorkflowExecutionHistory({ namespace: config.temporal.namespace, execution: { workflowId } });
    const text = JSON.stringify(raw.history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    assert.ok(!text.includes(PAN), 'the PAN never appears in the stored history');
    assert.ok(!text.includes('Rahul'), 'the name never appears in the stored history');
    const payloads: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }[] = [];
    for (const e of raw.history?.events ?? []) {
      for (const p of e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) payloads.push(p);
      for (const p of e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []) payloads.push(p);
    }
    assert.ok(payloads.length >= 3, 'start input and two update arguments');
    for (const p of payloads) {
      assert.equal(Buffer.from(p.metadata?.['encoding'] ?? []).toString(), ENCRYPTED_ENCODING);
      assert.equal(Buffer.from(p.metadata?.['encryption-key-id'] ?? []).toString(), `${acme.tenantId}:v1`, 'encrypted with the tenant key');
    }

    // An authorised operator decodes through the codec server; anyone else is refused.
    const sample = payloads[payloads.length - 1];
    const body = JSON.stringify({ payloads: [{ metadata: Object.fromEntries(Object.entries(sample?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(sample?.data ?? []).toString('base64') }] });
    const denied = await fetch(`${codecServer.url}/decode`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(denied.status, 403);
    const decoded = await fetch(`${codecServer.url}/decode`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } });
    assert.equal(decoded.status, 200);
    const out = (await decoded.json()) as { payloads: { data: string }[] };
    assert.ok(Buffer.from(out.payloads[0]?.data ?? '', 'base64').toString().includes(PAN));

    // Another master secret cannot open it.
    const stranger = createTenantPayloadCodec(createDerivedKeyring({ masterKey: randomBytes(32) }));
    await assert.rejects(stranger.decode([{ metadata: sample?.metadata ?? {}, data: sample?.data ?? new Uint8Array() }]));
  });
});

describe('which key a workflow’s payloads use', () => {
  test('tenant workflows use their tenant’s key; platform workflows (the analytics export) the platform key', async () => {
    const { tenantOfWorkflowId } = await import('@metis/sdk');
    assert.equal(tenantOfWorkflowId('journey:acme-finance:kyc:a-1'), 'acme-finance');
    assert.equal(tenantOfWorkflowId('loan:zenith-microfinance:journey-a-2'), 'zenith-microfinance');
    assert.equal(tenantOfWorkflowId('analytics-report:acme-finance:0b1c'), 'acme-finance');
    assert.equal(tenantOfWorkflowId('analytics-export:2026-11-30'), undefined);
    assert.equal(tenantOfWorkflowId('analytics-export:scheduled-2026-12-01T02:00:00Z'), undefined);
  });
});
