import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRuleSet, createJourney, lintJourneyConfig, lintRuleSet, sampleTenants } from '@metis/fsm';
import type { Journey, JourneyEventInput, PersistedJourney, SampleTenant, StepResult } from '@metis/fsm';
import { aadhaarFrom, goodDocument } from './helpers.ts';

function run(journey: Journey, events: JourneyEventInput[], start = journey.initial({ asOf: '2025-02-01' })): { snapshot: PersistedJourney; path: string[] } {
  let snapshot = start;
  const path = [snapshot.state];
  for (const event of events) {
    const r: StepResult = journey.step(snapshot, event);
    if (!r.ok) assert.fail(`${journey.journeyType}@${journey.version} rejected ${event.type} in ${snapshot.state}: ${JSON.stringify(r.errors)}`);
    snapshot = r.snapshot;
    path.push(snapshot.state);
  }
  return { snapshot, path };
}

const tenants: SampleTenant[] = [sampleTenants.acme, sampleTenants.zenith];
const asOf = '2025-02-01';
const person = { name: 'Asha Rao', email: 'asha@example.in' };

describe('sample tenants', () => {
  it('have valid journeys and rule sets that differ between tenants', () => {
    for (const t of tenants) {
      for (const config of [t.journeys.kyc, t.journeys.loan]) assert.deepEqual(lintJourneyConfig(config).findings, [], `${t.tenantId} ${config.journey_type}`);
      assert.deepEqual(lintRuleSet(t.ruleSet).findings, [], t.tenantId);
    }
    const acmeKyc = createJourney(sampleTenants.acme.journeys.kyc);
    const zenithKyc = createJourney(sampleTenants.zenith.journeys.kyc);
    assert.ok(acmeKyc.states.some((s) => s.name === 'provide_aadhar_details'));
    assert.ok(!zenithKyc.states.some((s) => s.name === 'provide_aadhar_details'));
    assert.ok(zenithKyc.states.some((s) => s.requiredFields.includes('bank_statement')));
  });

  it('acme: KYC with Aadhaar runs to completion; an under-18 applicant is refused', () => {
    const kyc = createJourney(sampleTenants.acme.journeys.kyc);
    const young = kyc.step(kyc.initial(), { type: 'SUBMIT', asOf, data: { ...person, phone: '9876543210', date_of_birth: '2008-03-01' } });
    assert.deepEqual(!young.ok && young.errors.map((e) => [e.code, e.field]), [['age_below_minimum', 'date_of_birth']]);
    const company = kyc.step(kyc.initial(), { type: 'SUBMIT', asOf, data: { ...person, phone: '9876543210', date_of_birth: '1990-03-01' } });
    assert.ok(company.ok);
    const companyPan = kyc.step(company.snapshot, { type: 'SUBMIT', data: { pan_number: 'AAACR5055K', pan_image: goodDocument() } });
    assert.deepEqual(!companyPan.ok && companyPan.errors.map((e) => e.code), ['pan_holder_type'], 'acme accepts individuals only');
    const { snapshot, path } = run(kyc, [
      { type: 'SUBMIT', asOf, data: { ...person, phone: '9876543210', date_of_birth: '1990-03-01' } },
      { type: 'SUBMIT', data: { pan_number: 'ABCPR1234K', pan_image: goodDocument({ bytes: 4_500_000 }) } },
      { type: 'SUBMIT', data: { aadhar_number: aadhaarFrom('49876543210'), aadhar_image: goodDocument() } },
      { type: 'AUTOMATED_RESULT', state: 'document_verification', result: { verified: false } },
      { type: 'SUBMIT', data: { additional_document: goodDocument() } },
      { type: 'AUTOMATED_RESULT', state: 'document_verification', result: { verified: true } },
    ]);
    assert.deepEqual(path, [
      'provide_personal_details',
      'provide_pan_details',
      'provide_aadhar_details',
      'document_verification',
      'provide_additional_docs',
      'document_verification',
      'completed',
    ]);
    assert.equal(snapshot.status, 'done');
  });

  it('zenith: KYC without Aadhaar asks for a bank statement image, applies stricter limits and sends timeouts to review', () => {
    const kyc = createJourney(sampleTenants.zenith.journeys.kyc);
    const [personal, pan, statement] = [
      { type: 'SUBMIT', asOf, data: { ...person, mobile: '+91 7012345678', dob: '1999-06-01' } },
      { type: 'SUBMIT', data: { pan_number: 'ABCPR1234K', pan_image: goodDocument({ bytes: 1_500_000 }) } },
      { type: 'SUBMIT', data: { bank_statement: goodDocument({ mime_type: 'image/png' }) } },
    ] as const;
    const under21 = kyc.step(kyc.initial(), { ...personal, data: { ...personal.data, dob: '2005-01-01' } });
    assert.deepEqual(!under21.ok && under21.errors.map((e) => e.code), ['age_below_minimum']);
    const afterPersonal = run(kyc, [personal]).snapshot;
    const bigScan = kyc.step(afterPersonal, { ...pan, data: { ...pan.data, pan_image: goodDocument({ bytes: 3_000_000 }) } });
    assert.deepEqual(!bigScan.ok && bigScan.errors.map((e) => e.code), ['image_too_large'], 'zenith caps scans at 2 MB');
    const unscored = kyc.step(afterPersonal, { ...pan, data: { ...pan.data, pan_image: { bytes: 400_000, width: 1200, height: 800 } } });
    assert.deepEqual(!unscored.ok && unscored.errors.map((e) => e.code), ['image_quality_unscored']);
    const { snapshot, path } = run(kyc, [personal, pan, statement, { type: 'TIMEOUT', state: 'document_verification' }, { type: 'SUBMIT', data: { reviewer_id: 'u-9', review_outcome: 'approve' } }]);
    assert.deepEqual(path.slice(-3), ['document_verification', 'manual_review', 'completed']);
    assert.equal(snapshot.status, 'done');
    // The statement is read by OCR: a PDF is refused at the step, before anything reads it.
    const pdfStatement = kyc.step(run(kyc, [personal, pan]).snapshot, { type: 'SUBMIT', data: { bank_statement: goodDocument({ mime_type: 'application/pdf' }) } });
    assert.deepEqual(!pdfStatement.ok && pdfStatement.errors.map((e) => e.code), ['image_type_not_allowed']);
  });

  const applicant = { name: 'Asha Verma', pan_number: 'ABCPV1234K', date_of_birth: '1991-02-03', accept_terms: true };
  for (const tenant of tenants) {
    it(`${tenant.tenantId}: loan runs from application through underwriting to disbursement on the loan's decision`, () => {
      const loan = createJourney(tenant.journeys.loan);
      assert.deepEqual(loan.stateInfo('underwriting').automation, { name: 'metis.underwrite_loan', params: {} });
      const { snapshot, path } = run(loan, [
        { type: 'SUBMIT', data: { ...applicant, loan_amount: 80_000, tenure_months: 24, purpose: 'working capital', monthly_income: 65_000, employment_type: 'salaried', existing_emis: 4_000, employment_years: 6 } },
        { type: 'SUBMIT', data: { bank_statement: goodDocument(), salary_slip: goodDocument() } },
        { type: 'AUTOMATED_RESULT', state: 'underwriting', result: { outcome: 'approve', disbursed: true } },
      ]);
      assert.deepEqual(path, ['application', 'documents', 'underwriting', 'disbursed']);
      assert.equal(snapshot.status, 'done');
    });
  }

  it('the same ₹3,00,000 request is auto-approved at acme but goes to manual review at zenith, then an underwriter decides', () => {
    const facts = { kyc: { status: 'done' }, loan: { amount: 300_000 }, bureau: { score: 780, history_months: 60 }, applicant: { employment_type: 'salaried', existing_customer: true } };
    const acme = compileRuleSet(sampleTenants.acme.ruleSet).decide(facts, { modelScore: 0.15 });
    const zenith = compileRuleSet(sampleTenants.zenith.ruleSet).decide(facts, { modelScore: 0.15 });
    assert.equal(acme.outcome, 'approve');
    assert.equal(zenith.outcome, 'manual_review');
    assert.ok(zenith.reasons.some((r) => r.includes('high_value') && r.includes('loan.amount > 200000 (was 300000)')));

    const loan = createJourney(sampleTenants.zenith.journeys.loan);
    const tooBig = loan.step(loan.initial(), { type: 'SUBMIT', data: { ...applicant, loan_amount: 900_000, tenure_months: 12, purpose: 'shop', monthly_income: 40_000, employment_type: 'self_employed' } });
    assert.deepEqual(!tooBig.ok && tooBig.errors.map((e) => [e.code, e.field]), [['number_too_large', 'loan_amount']], 'zenith lends at most ₹5,00,000');
    // The review happens inside loan processing; the journey moves on the reviewed decision, or is referred when none came.
    const steps = [
      { type: 'SUBMIT', data: { ...applicant, loan_amount: 300_000, tenure_months: 12, purpose: 'shop', monthly_income: 40_000, employment_type: 'self_employed' } },
      { type: 'SUBMIT', data: { bank_statement: goodDocument(), salary_slip: goodDocument() } },
    ] as const;
    assert.deepEqual(run(loan, [...steps, { type: 'AUTOMATED_RESULT', state: 'underwriting', result: { outcome: 'reject', disbursed: false } }]).path.slice(-2), ['underwriting', 'rejected']);
    assert.deepEqual(run(loan, [...steps, { type: 'AUTOMATED_RESULT', state: 'underwriting', result: { outcome: 'manual_review', disbursed: false } }]).path.slice(-2), ['underwriting', 'referred']);
  });
});
