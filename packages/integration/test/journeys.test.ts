import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';
import { journeyWorkflowId, MetisOutcome, MetisState } from '@metis/workflows';
import { createMetis, JourneyDoneError, JourneyNotFoundError, JourneyTypeUnknownError, StepRejectedError } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Metis } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, uniqueId, waitFor } from '@metis/testing';
import { AADHAAR, AS_OF, scan, verifyDocumentsForTests } from './journey-fixtures.ts';
import { assertReplays } from './support/replay-check.ts';

const config = testConfig();
const acme = sampleTenants.acme;
const zenith = sampleTenants.zenith;
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
let workers: MetisWorkers;
let metis: Metis;

async function historyEvents(workflowId: string): Promise<string[]> {
  const history = await metis.temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('Attributes') && (e as Record<string, unknown>)[k]) ?? '');
}

describe('KYC journeys on the real Temporal server', () => {
  before(async () => {
    // The sample tenants name the built-in metis.verify_documents; these tests steer its outcome by
    // applicant id with their own implementation of that activity (the OCR path has its own tests).
    workers = await createWorkers({ config, activities: { verifyJourneyDocuments: verifyDocumentsForTests } });
    metis = await createMetis({
      ...config,
      tenants: [
        { tenantId: acme.tenantId, displayName: acme.name, journeys: acme.journeys },
        { tenantId: zenith.tenantId, displayName: zenith.name, journeys: zenith.journeys },
      ],
    });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await db.destroy();
  });

  test('Acme: personal → PAN → Aadhaar → automated verification → completed, audited', async () => {
    const applicant = uniqueId('acme-app');
    const kyc = metis.tenant(acme.tenantId).journeys;
    const s1 = await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: 'Rahul Kumar Sharma', email: 'rahul@example.com', phone: '+919876543210', date_of_birth: '1990-04-01' }, { asOf: AS_OF });
    assert.equal(s1.to, 'provide_pan_details');
    assert.deepEqual(s1.journey.missingFields, ['pan_number', 'pan_image']);
    // The PAN image is uploaded to the tenant's prefix and recorded before the step references it.
    const image = new Uint8Array(40_000).fill(7);
    const s2 = await kyc.submit(applicant, 'kyc', 'provide_pan_details', { pan_number: 'ABCPS1234K' }, {
      documents: { pan_image: { kind: 'pan', body: image, contentType: 'image/jpeg', metadata: { width: 1600, height: 1000, blur_score: 0.1, brightness_score: 0.5 } } },
    });
    assert.equal(s2.to, 'provide_aadhar_details');
    const panImage = s2.journey.data['pan_image'] as { document_id: string; bytes: number; mime_type: string };
    assert.equal(panImage.bytes, 40_000);
    assert.equal(panImage.mime_type, 'image/jpeg');
    const doc = await withTenant(db, acme.tenantId, (trx) => trx.selectFrom('documents').select(['object_key', 'size_bytes']).where('document_id', '=', panImage.document_id).executeTakeFirstOrThrow());
    assert.equal(doc.object_key, `tenants/${acme.tenantId}/documents/pan/${panImage.document_id}`);
    assert.equal(Number(doc.size_bytes), 40_000);
    const s3 = await kyc.submit(applicant, 'kyc', 'provide_aadhar_details', { aadhar_number: AADHAAR, aadhar_image: scan() });
    assert.equal(s3.to, 'document_verification');
    const done = await waitFor(async () => {
      const view = await kyc.get(applicant, 'kyc');
      return view.status === 'done' ? view : undefined;
    }, 20_000, 'the journey to complete');
    assert.equal(done.state, 'completed');
    assert.equal(done.steps, 4);
    assert.deepEqual(done.results['document_verification']?.['verified'], true);

    const workflowId = journeyWorkflowId(acme.tenantId, 'kyc', applicant);
    const described = await metis.temporal.workflow.getHandle(workflowId).describe();
    assert.equal(described.typedSearchAttributes.get(MetisState), 'completed');
    assert.equal(described.typedSearchAttributes.get(MetisOutcome), 'completed');

    const stored = await withTenant(db, acme.tenantId, async (trx) => ({
      journey: await trx.selectFrom('journeys').selectAll().where('applicant_id', '=', applicant).executeTakeFirstOrThrow(),
      transitions: await trx.selectFrom('journey_transitions').select(['seq', 'config_version', 'from_state', 'to_state', 'event_type', 'actor', 'data_hash']).where('journey_id', '=', `kyc:${applicant}`).orderBy('seq').execute(),
      events: await trx.selectFrom('events').select('event_type').where('aggregate_id', '=', `kyc:${applicant}`).execute(),
    }));
    assert.equal(stored.journey.state, 'completed');
    assert.equal(stored.journey.status, 'done', 'the projection says done, as the snapshot does');
    assert.equal(stored.journey.last_seq, 4);
    assert.equal(stored.journey.config_version, 'acme-2025.2');
    assert.deepEqual(stored.transitions.map((t) => `${t.from_state}>${t.to_state}:${t.event_type}`), [
      'provide_personal_details>provide_pan_details:SUBMIT',
      'provide_pan_details>provide_aadhar_details:SUBMIT',
      'provide_aadhar_details>document_verification:SUBMIT',
      'document_verification>completed:AUTOMATED_RESULT',
    ]);
    assert.deepEqual(stored.transitions.map((t) => t.seq), [1, 2, 3, 4], 'the audit rows number the steps 1..n');
    assert.ok(stored.transitions.every((t) => t.config_version === 'acme-2025.2'), 'each audit row names its config version');
    assert.equal(stored.transitions[0]?.actor, `applicant:${applicant}`);
    assert.match(stored.transitions[0]?.data_hash ?? '', /^[0-9a-f]{64}$/);
    assert.equal(stored.transitions[3]?.actor, 'system');
    const types = stored.events.map((e) => e.event_type);
    for (const t of ['PAN_SUBMITTED', 'AADHAR_SUBMITTED', 'DOCUMENT_UPLOADED', 'JOURNEY_COMPLETED']) assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
    assert.equal(types.filter((t) => t === 'JOURNEY_STEP_COMPLETED').length, 4);
    assert.ok(!types.includes('WORKFLOW_TIMEOUT'), 'no state of this journey timed out');
    await assertReplays(metis.temporal, workflowId);

    await assert.rejects(kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: 'x' }), JourneyDoneError);
  });

  test('Zenith: no Aadhaar, a bank statement, and a failed verification asks for more documents', async () => {
    const applicant = uniqueId('zen-unverified');
    const kyc = metis.tenant(zenith.tenantId).journeys;
    await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: 'Asha Verma', email: 'asha@example.com', mobile: '9876543210', dob: '1992-02-02' }, { asOf: AS_OF });
    const pan = await kyc.submit(applicant, 'kyc', 'provide_pan_details', { pan_number: 'ABCPV1234K', pan_image: scan({ bytes: 400_000 }) });
    assert.equal(pan.to, 'provide_bank_statement');
    await assert.rejects(kyc.submit(applicant, 'kyc', 'provide_aadhar_details', { aadhar_number: AADHAAR }), StepRejectedError);
    const statement = await kyc.submit(applicant, 'kyc', 'provide_bank_statement', { bank_statement: scan({ mime_type: 'image/png', bytes: 900_000 }) });
    assert.equal(statement.to, 'document_verification');
    const view = await waitFor(async () => {
      const v = await kyc.get(applicant, 'kyc');
      return v.state === 'provide_additional_docs' ? v : undefined;
    }, 20_000, 'verification to ask for more documents');
    assert.deepEqual(view.missingFields, ['additional_document']);
    assert.equal(view.results['document_verification']?.['verified'], false);
  });

  test('Zenith: a result no guard accepts goes to manual review, and the reviewer completes it', async () => {
    const applicant = uniqueId('zen-fraud');
    const kyc = metis.tenant(zenith.tenantId).journeys;
    await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: 'Ravi Nair', email: 'ravi@example.com', mobile: '9876543210', dob: '1980-02-02' }, { asOf: AS_OF });
    await kyc.submit(applicant, 'kyc', 'provide_pan_details', { pan_number: 'ABCPN1234K', pan_image: scan({ bytes: 400_000 }) });
    await kyc.submit(applicant, 'kyc', 'provide_bank_statement', { bank_statement: scan({ mime_type: 'image/png', bytes: 900_000 }) });
    await waitFor(async () => ((await kyc.get(applicant, 'kyc')).state === 'manual_review' ? true : undefined), 20_000, 'manual review');
    await assert.rejects(kyc.submit(applicant, 'kyc', 'manual_review', { reviewer_id: 'u-7', review_outcome: 'maybe' }), StepRejectedError);
    const done = await kyc.submit(applicant, 'kyc', 'manual_review', { reviewer_id: 'u-7', review_outcome: 'approve' }, { actor: 'operator:u-7' });
    assert.equal(done.to, 'completed');
    assert.equal(done.journey.status, 'done');
    await waitFor(async () => ((await metis.temporal.workflow.getHandle(journeyWorkflowId(zenith.tenantId, 'kyc', applicant)).describe()).status.name === 'COMPLETED' ? true : undefined), 10_000, 'the run to close');
    await assertReplays(metis.temporal, journeyWorkflowId(zenith.tenantId, 'kyc', applicant));
  });

  test('invalid steps are rejected synchronously with field errors and leave no trace in history', async () => {
    const applicant = uniqueId('acme-invalid');
    const kyc = metis.tenant(acme.tenantId).journeys;
    const personal = { name: 'Meera Iyer', email: 'meera@example.com', phone: '9876543210', date_of_birth: '1991-01-01' };
    const rejects = async (step: string, data: Record<string, unknown>, codes: string[], options: { asOf?: string; next?: string } = {}): Promise<void> => {
      await assert.rejects(kyc.submit(applicant, 'kyc', step, data as never, options), (error: unknown) => {
        assert.ok(error instanceof StepRejectedError, `expected StepRejectedError, got ${String(error)}`);
        assert.equal(error.code, 'STEP_REJECTED');
        const got = error.fieldErrors.map((e) => e.code);
        for (const code of codes) assert.ok(got.includes(code), `${code} in ${JSON.stringify(error.fieldErrors)}`);
        return true;
      });
    };
    // The first step is refused before any workflow starts.
    await rejects('provide_personal_details', { ...personal, email: 'not-an-email' }, ['email_format'], { asOf: AS_OF });
    await kyc.submit(applicant, 'kyc', 'provide_personal_details', personal, { asOf: AS_OF });
    await rejects('provide_pan_details', { pan_number: 'ABCDE1234' }, ['pan_format', 'required']);
    await rejects('provide_pan_details', { pan_number: 'ABCPE1234F', pan_image: scan({ bytes: 9_000_000 }) }, ['image_too_large']);
    await rejects('provide_personal_details', personal, ['wrong_state'], { asOf: AS_OF });
    await rejects('provide_pan_details', { pan_number: 'ABCPE1234F', pan_image: scan() }, ['invalid_transition'], { next: 'completed' });
    await assert.rejects(kyc.submit(applicant, 'passport', 'x', {}), JourneyTypeUnknownError);
    await assert.rejects(kyc.get(uniqueId('nobody'), 'kyc'), JourneyNotFoundError);

    const view = await kyc.get(applicant, 'kyc');
    assert.equal(view.state, 'provide_pan_details');
    assert.equal(view.steps, 1);
    const events = await historyEvents(journeyWorkflowId(acme.tenantId, 'kyc', applicant));
    assert.equal(events.filter((e) => e === 'workflowExecutionUpdateAcceptedEventAttributes').length, 1, 'one accepted update');
    assert.equal(events.filter((e) => e.includes('Rejected')).length, 0, 'no rejection in history');
  });

  test('starting the same journey twice at once creates one journey and accepts one step', async () => {
    const applicant = uniqueId('acme-dup');
    const kyc = metis.tenant(acme.tenantId).journeys;
    const data = { name: 'Dev Patel', email: 'dev@example.com', phone: '9876543210', date_of_birth: '1990-01-01' };
    const results = await Promise.allSettled([1, 2, 3].map(() => kyc.submit(applicant, 'kyc', 'provide_personal_details', data, { asOf: AS_OF })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof StepRejectedError);
    const workflowId = journeyWorkflowId(acme.tenantId, 'kyc', applicant);
    let runs = 0;
    for await (const _ of metis.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs += 1;
    assert.equal(runs, 1);
    assert.equal((await kyc.get(applicant, 'kyc')).steps, 1);
  });

  test('journeys are listed by state through visibility', async () => {
    const applicant = uniqueId('acme-list');
    const kyc = metis.tenant(acme.tenantId).journeys;
    await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: 'Lata Rao', email: 'lata@example.com', phone: '9876543210', date_of_birth: '1985-05-05' }, { asOf: AS_OF });
    const listed = await waitFor(async () => {
      const rows = await kyc.list({ journeyType: 'kyc', state: 'provide_pan_details' });
      return rows.some((r) => r.applicantId === applicant) ? rows : undefined;
    }, 15_000, 'visibility');
    assert.ok(listed.every((r) => r.state === 'provide_pan_details' && r.journeyType === 'kyc'));
  });
});
