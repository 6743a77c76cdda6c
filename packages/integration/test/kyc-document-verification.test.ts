// The sample tenants' KYC with the built-in metis.verify_documents: real generated cards uploaded
// to MinIO, read by PP-OCRv4 on onnxruntime in the worker's ai pool, cross-checked with what the
// applicant typed, the journey moving on the report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';
import type { JsonObject } from '@metis/fsm';
import { createMetis } from '@metis/sdk';
import type { JourneyView, Metis, VerificationCheck } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { journeyWorkflowId } from '@metis/workflows';
import { generateDocument, testConfig, uniqueId, waitFor } from '@metis/testing';
import type { AadhaarTruth, GeneratedDocument, PanTruth } from '@metis/testing';
import { assertNoClearPii } from './support/raw-history.ts';

const config = testConfig();
const acme = sampleTenants.acme;
const zenith = sampleTenants.zenith;
const db = createPgDatabase<MetisDatabase>({ url: config.database.url, pool: { max: 2, min: 0 } });
let workers: MetisWorkers;
let metis: Metis;

type Check = VerificationCheck;

const upload = (doc: GeneratedDocument, kind: 'pan' | 'aadhar' | 'bank-statements') => ({ kind, body: doc.bytes, contentType: doc.mimeType });

async function settled(tenantId: string, applicantId: string): Promise<JourneyView> {
  const kyc = metis.tenant(tenantId).journeys;
  return waitFor(async () => {
    const view = await kyc.get(applicantId, 'kyc');
    return view.state !== 'document_verification' && !view.automationRunning ? view : undefined;
  }, 120_000, `verification of ${applicantId}`);
}

function checksOf(view: JourneyView): Check[] {
  const report = view.results['document_verification'] as { checks?: Check[] } | undefined;
  return report?.checks ?? [];
}

/** Walk an Acme applicant to document verification with these cards and typed values. */
async function acmeKyc(applicantId: string, typed: { name: string; dateOfBirth: string; pan: string; aadhaar: string }, pan: GeneratedDocument, aadhaar: GeneratedDocument): Promise<JourneyView> {
  const kyc = metis.tenant(acme.tenantId).journeys;
  await kyc.submit(applicantId, 'kyc', 'provide_personal_details', { name: typed.name, email: 'applicant@example.com', phone: '+919876543210', date_of_birth: typed.dateOfBirth }, { asOf: '2026-06-01' });
  await kyc.submit(applicantId, 'kyc', 'provide_pan_details', { pan_number: typed.pan }, { documents: { pan_image: upload(pan, 'pan') } });
  await kyc.submit(applicantId, 'kyc', 'provide_aadhar_details', { aadhar_number: typed.aadhaar }, { documents: { aadhar_image: upload(aadhaar, 'aadhar') } });
  return settled(acme.tenantId, applicantId);
}

async function cards(seed: string): Promise<{ pan: GeneratedDocument; aadhaar: GeneratedDocument; truth: PanTruth; card: AadhaarTruth }> {
  const pan = await generateDocument({ type: 'pan', seed: `${seed}-pan` });
  const truth = pan.truth.fields as PanTruth;
  // The Aadhaar card is the same person's: same name and date of birth as the PAN card.
  const aadhaar = await generateDocument({ type: 'aadhaar', seed: `${seed}-aadhaar`, overrides: { name: titleCase(truth.name), dateOfBirth: truth.dateOfBirth } });
  return { pan, aadhaar, truth, card: aadhaar.truth.fields as AadhaarTruth };
}

const titleCase = (name: string): string => name.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());

describe('KYC documents verified by OCR and cross-checked (metis.verify_documents)', () => {
  before(async () => {
    workers = await createWorkers({ config });
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

  test('genuine cards, the name typed with other spacing and case → verified and completed; PII masked in the report; events emitted', async () => {
    const { pan, aadhaar, truth, card } = await cards('kyc-genuine-1');
    const applicant = uniqueId('kyc-ok');
    // The applicant types the name in lower case with doubled spaces.
    const typedName = truth.name.toLowerCase().split(' ').join('  ');
    const view = await acmeKyc(applicant, { name: typedName, dateOfBirth: truth.dateOfBirth, pan: truth.pan, aadhaar: card.aadhaarNumber }, pan, aadhaar);
    const checks = checksOf(view);
    assert.equal(view.state, 'completed', JSON.stringify(checks));
    assert.equal((view.results['document_verification'] as JsonObject)['verified'], true);
    for (const name of ['document_type', 'pan_number', 'name', 'date_of_birth', 'aadhaar_last_four', 'aadhaar_checksum']) {
      assert.ok(checks.some((c) => c.check === name && c.passed), `${name} passed: ${JSON.stringify(checks)}`);
    }
    const report = JSON.stringify(view.results['document_verification']);
    assert.ok(!report.includes(truth.pan), 'the PAN is masked in the report');
    assert.ok(!report.includes(card.aadhaarNumber) && !report.includes(card.aadhaarNumber.slice(0, 8)), 'the Aadhaar number is never in the report');
    const events = await withTenant(db, acme.tenantId, (trx) =>
      trx.selectFrom('events').select(['event_type', 'payload']).where('aggregate_type', '=', 'document').where('event_type', 'in', ['PAN_OCR_PROCESSED', 'AADHAR_OCR_PROCESSED']).execute(),
    );
    const ids = [view.data['pan_image'], view.data['aadhar_image']].map((d) => (d as { document_id: string }).document_id);
    assert.deepEqual(events.filter((e) => ids.includes(String((e.payload as { documentId?: string }).documentId))).map((e) => e.event_type).sort(), ['AADHAR_OCR_PROCESSED', 'PAN_OCR_PROCESSED']);
    assert.ok(!JSON.stringify(events).includes(truth.pan));
    // With the default settings, nothing the applicant typed or the OCR read is stored in Temporal in clear.
    await assertNoClearPii(metis.temporal, config.temporal.namespace, journeyWorkflowId(acme.tenantId, 'kyc', applicant), [truth.pan, card.aadhaarNumber, truth.name, typedName, truth.dateOfBirth, 'applicant@example.com', '9876543210']);
  });

  test('initials for the first names still match the card', async () => {
    const { pan, aadhaar, truth, card } = await cards('kyc-initials-2');
    const parts = truth.name.split(' ');
    const initials = [...parts.slice(0, -1).map((p) => `${p[0] ?? ''}.`), parts.at(-1) ?? ''].join(' ');
    const view = await acmeKyc(uniqueId('kyc-initials'), { name: initials, dateOfBirth: truth.dateOfBirth, pan: truth.pan, aadhaar: card.aadhaarNumber }, pan, aadhaar);
    assert.equal(view.state, 'completed', `${initials} vs ${truth.name}: ${JSON.stringify(checksOf(view))}`);
  });

  test('the typed PAN differs from the card → PAN_VERIFICATION_FAILED and the configured route (additional documents)', async () => {
    const { pan, aadhaar, truth, card } = await cards('kyc-mismatch-3');
    // Another valid PAN of an individual: one digit changed.
    const other = `${truth.pan.slice(0, 5)}${String((Number(truth.pan[5]) + 1) % 10)}${truth.pan.slice(6)}`;
    const view = await acmeKyc(uniqueId('kyc-mismatch'), { name: truth.name, dateOfBirth: truth.dateOfBirth, pan: other, aadhaar: card.aadhaarNumber }, pan, aadhaar);
    assert.equal(view.state, 'provide_additional_docs');
    const failed = checksOf(view).filter((c) => !c.passed);
    assert.deepEqual(failed.map((c) => [c.check, c.reason]), [['pan_number', 'pan_mismatch']]);
    const panId = (view.data['pan_image'] as { document_id: string }).document_id;
    const events = await withTenant(db, acme.tenantId, (trx) => trx.selectFrom('events').select('event_type').where('aggregate_id', '=', panId).execute());
    assert.ok(events.some((e) => e.event_type === 'PAN_VERIFICATION_FAILED'), JSON.stringify(events));
  });

  test('an additional document replaces an unreadable card, but never hides a data mismatch', async () => {
    const kyc = metis.tenant(acme.tenantId).journeys;
    const { pan, aadhaar, truth, card } = await cards('kyc-supersede-7');
    const blurred = await generateDocument({ type: 'pan', seed: 'kyc-supersede-7-blur', condition: 'blurred' });
    const fixed = uniqueId('kyc-replaced');
    const first = await acmeKyc(fixed, { name: truth.name, dateOfBirth: truth.dateOfBirth, pan: truth.pan, aadhaar: card.aadhaarNumber }, blurred, aadhaar);
    assert.equal(first.state, 'provide_additional_docs');
    await kyc.submit(fixed, 'kyc', 'provide_additional_docs', {}, { documents: { additional_document: upload(pan, 'pan') } });
    const replaced = await settled(acme.tenantId, fixed);
    assert.equal(replaced.state, 'completed', JSON.stringify(checksOf(replaced)));
    const docs = (replaced.results['document_verification'] as { documents: { field: string; superseded: boolean }[] }).documents;
    assert.deepEqual(docs.filter((d) => d.superseded).map((d) => d.field), ['pan_image']);

    // The typed PAN is wrong: a genuine card uploaded again does not make the mismatch go away.
    const other = `${truth.pan.slice(0, 5)}${String((Number(truth.pan[5]) + 1) % 10)}${truth.pan.slice(6)}`;
    const mismatch = uniqueId('kyc-not-hidden');
    await acmeKyc(mismatch, { name: truth.name, dateOfBirth: truth.dateOfBirth, pan: other, aadhaar: card.aadhaarNumber }, pan, aadhaar);
    await kyc.submit(mismatch, 'kyc', 'provide_additional_docs', {}, { documents: { additional_document: upload(pan, 'pan') } });
    const still = await settled(acme.tenantId, mismatch);
    assert.equal(still.state, 'provide_additional_docs');
    assert.ok(checksOf(still).some((c) => c.document === 'pan_image' && c.reason === 'pan_mismatch'), JSON.stringify(checksOf(still)));
    assert.equal((still.results['document_verification'] as JsonObject)['verified'], false);
  });

  test('an Aadhaar card uploaded as the PAN card fails the document type check', async () => {
    const { aadhaar, truth, card } = await cards('kyc-wrong-type-4');
    const view = await acmeKyc(uniqueId('kyc-wrong'), { name: truth.name, dateOfBirth: truth.dateOfBirth, pan: truth.pan, aadhaar: card.aadhaarNumber }, aadhaar, aadhaar);
    assert.equal(view.state, 'provide_additional_docs');
    const typeCheck = checksOf(view).find((c) => c.document === 'pan_image' && c.check === 'document_type');
    assert.equal(typeCheck?.passed, false);
    assert.equal(typeCheck?.reason, 'wrong_document_type');
  });

  test('an unreadable image is refused with its reason, and the applicant is asked for another document', async () => {
    const { aadhaar, truth, card } = await cards('kyc-unreadable-5');
    const blank = await generateDocument({ type: 'pan', seed: 'kyc-unreadable-5-blur', condition: 'blurred' });
    const view = await acmeKyc(uniqueId('kyc-unreadable'), { name: truth.name, dateOfBirth: truth.dateOfBirth, pan: truth.pan, aadhaar: card.aadhaarNumber }, blank, aadhaar);
    assert.equal(view.state, 'provide_additional_docs');
    const failed = checksOf(view).filter((c) => !c.passed && c.document === 'pan_image');
    assert.ok(failed.length > 0 && failed.every((c) => ['low_quality', 'unreadable', 'not_read', 'wrong_document_type'].includes(c.reason)), JSON.stringify(failed));
    assert.equal((view.results['document_verification'] as JsonObject)['retryable'], true);
  });

  test('zenith: a PAN card on a white table and the bank statement of the same person → completed', async () => {
    const statement = await generateDocument({ type: 'bank_statement', seed: 'kyc-zenith-6' });
    const holder = (statement.truth.fields as { accountHolder: string }).accountHolder;
    const pan = await generateDocument({ type: 'pan', seed: 'kyc-zenith-6-pan', condition: 'white_table', overrides: { name: holder.toUpperCase(), dateOfBirth: '1990-01-01' } });
    const truth = pan.truth.fields as PanTruth;
    const applicant = uniqueId('kyc-zenith');
    const kyc = metis.tenant(zenith.tenantId).journeys;
    await kyc.submit(applicant, 'kyc', 'provide_personal_details', { name: holder, email: 'z@example.com', mobile: '9876543210', dob: '1990-01-01' }, { asOf: '2026-06-01' });
    await kyc.submit(applicant, 'kyc', 'provide_pan_details', { pan_number: truth.pan }, { documents: { pan_image: { ...upload(pan, 'pan'), metadata: { width: pan.width, height: pan.height, blur_score: 0.1, brightness_score: 0.6 } } } });
    await kyc.submit(applicant, 'kyc', 'provide_bank_statement', {}, { documents: { bank_statement: { ...upload(statement, 'bank-statements'), metadata: { width: statement.width, height: statement.height } } } });
    const view = await settled(zenith.tenantId, applicant);
    const checks = checksOf(view);
    assert.equal(view.state, 'completed', JSON.stringify(checks));
    assert.ok(checks.some((c) => c.check === 'account_holder' && c.passed), JSON.stringify(checks));
    assert.ok(checks.some((c) => c.check === 'ifsc_format' && c.passed), JSON.stringify(checks));
    assert.ok(checks.some((c) => c.document === 'pan_image' && c.check === 'pan_number' && c.passed), JSON.stringify(checks));
    await assertNoClearPii(metis.temporal, config.temporal.namespace, journeyWorkflowId(zenith.tenantId, 'kyc', applicant), [truth.pan, holder, holder.toUpperCase(), 'z@example.com', '9876543210']);
  });
});
