import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { createActivities, requireNativeModules } from '@metis/activities';
import type { MetisActivities } from '@metis/activities';
import { summarizeCreditReport } from '@metis/activities/bureau';
import type { CreditReport } from '@metis/activities/bureau';
import type { CreditSummary, LoanApplication, RiskAssessment } from '@metis/activities/loans';
import { createRiskScorer, InvalidRiskInputError, loanInstalment, loanRiskFeatures, registerRiskModel } from '@metis/activities/risk';
import type { RiskModelMetadata } from '@metis/activities/risk';
import { createMinioObjectStore, createPgDatabase } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { trainRiskModel } from '@metis/testing';
import type { TrainedRiskModel } from '@metis/testing';
import { DATABASE_URL, freshTenant, S3 } from './stack-env.ts';

const store = createMinioObjectStore(S3);
const db = createPgDatabase<MetisDatabase>({ url: DATABASE_URL, pool: { max: 1, min: 0 } });
const AS_OF = new Date('2026-03-01T00:00:00Z');
const ROWS = 4_000;

/** An application whose features are worked out by hand below. */
function application(overrides: Partial<LoanApplication> = {}, applicant: Partial<LoanApplication['applicant']> = {}): LoanApplication {
  return {
    applicationId: 'app-1',
    amount: 480_000,
    tenureMonths: 24,
    kycStatus: 'done',
    kycMismatch: false,
    applicant: { applicantId: 'c-1', name: 'Asha Rao', pan: 'ABCDE1234F', dateOfBirth: '1990-06-15', monthlyIncome: 80_000, employmentYears: 6, existingMonthlyEmi: 12_000, ...applicant },
    ...overrides,
  };
}

const credit: CreditSummary = { provider: 'alpha', reportId: 'r-1', score: 720, activeAccounts: 4, enquiriesLast6Months: 1, maxDaysPastDue: 30, historyMonths: 60, missedPayments12m: 2, openLoans: 3, revolvingUtilisation: 0.45 };

// At a 0% rate the instalment is 480,000 / 24 = 20,000: DTI (12,000 + 20,000) / 80,000 = 0.4; LTI 480,000 / 960,000 = 0.5;
// born 1990-06-15, on 2026-03-01 the applicant is 35.
const HAND_FEATURES = {
  credit_score: 720,
  monthly_income: 80_000,
  debt_to_income: 0.4,
  loan_to_income: 0.5,
  employment_years: 6,
  age: 35,
  missed_payments_12m: 2,
  credit_utilization: 0.45,
  existing_loans: 3,
  kyc_mismatch: 0,
} as const;

/** Run the registered model's bytes in onnxruntime directly: raw values (or the training mean for an imputed one), log1p where the metadata says. */
async function direct(model: TrainedRiskModel, values: Readonly<Record<string, number | undefined>>): Promise<{ probability: number; contributions: Record<string, number> }> {
  const meta: RiskModelMetadata = model.metadata;
  const x = Float32Array.from(meta.features.map((f) => {
    const v = values[f.name];
    if (v === undefined) return f.mean;
    return f.transform === 'log1p' ? Math.log1p(v) : v;
  }));
  const session = await InferenceSession.create(model.onnx);
  try {
    const out = await session.run({ features: new Tensor('float32', x, [1, x.length]) });
    const c = out['contributions']?.data as Float32Array;
    return { probability: (out['probability']?.data as Float32Array)[0] as number, contributions: Object.fromEntries(meta.features.map((f, j) => [f.name, c[j] as number])) };
  } finally {
    await session.release();
  }
}

/** The default bands, written out: low ≤ 0.1 < medium ≤ 0.25 < high ≤ 0.5 < very_high. */
const band = (p: number): string => (p <= 0.1 ? 'low' : p <= 0.25 ? 'medium' : p <= 0.5 ? 'high' : 'very_high');

describe('loan risk features', () => {
  test('are assembled from the application and the credit summary', () => {
    const { features, missing } = loanRiskFeatures(application(), credit, { asOf: AS_OF, annualRate: 0 });
    assert.deepEqual(missing, []);
    assert.deepEqual(features, HAND_FEATURES);
  });

  test('the new loan counts at its annuity instalment; a KYC mismatch is 1', () => {
    // 100,000 over 12 months at 12% a year: 100,000 · 0.01 · 1.01^12 / (1.01^12 − 1) = ₹8,884.88.
    assert.ok(Math.abs(loanInstalment(100_000, 0.12, 12) - 8_884.88) < 0.01);
    const { features } = loanRiskFeatures(application({ amount: 100_000, tenureMonths: 12, kycMismatch: true }, { monthlyIncome: 50_000, existingMonthlyEmi: 0 }), credit, { asOf: AS_OF, annualRate: 0.12 });
    assert.ok(Math.abs((features.debt_to_income ?? NaN) - 8_884.88 / 50_000) < 1e-6);
    assert.equal(features.kyc_mismatch, 1);
  });

  test('what the loan does not give is listed as missing', () => {
    const a = application({ kycMismatch: undefined }, { employmentYears: undefined, existingMonthlyEmi: undefined });
    assert.deepEqual(loanRiskFeatures(a, null, { asOf: AS_OF }).missing, ['credit_score', 'debt_to_income', 'employment_years', 'missed_payments_12m', 'credit_utilization', 'existing_loans', 'kyc_mismatch']);
    const oldSummary: CreditSummary = { provider: 'alpha', reportId: 'r-0', score: 700, activeAccounts: 1, enquiriesLast6Months: 0, maxDaysPastDue: 0, historyMonths: 12 };
    assert.deepEqual(loanRiskFeatures(application(), { ...oldSummary, revolvingUtilisation: null }, { asOf: AS_OF }).missing, ['missed_payments_12m', 'credit_utilization', 'existing_loans']);
    assert.throws(() => loanRiskFeatures(application({}, { monthlyIncome: 0 }), credit), (e: unknown) => e instanceof InvalidRiskInputError && e.features.includes('monthly_income'));
  });

  test('the credit summary counts missed payments, open loans and card utilisation', () => {
    const dpd = (days: number[]): { month: string; days: number }[] => days.map((d, i) => ({ month: `2026-${String(9 - i).padStart(2, '0')}`, days: d }));
    const report: CreditReport = {
      provider: 'a',
      reportId: 'r',
      generatedAt: '2026-10-31T00:00:00.000Z',
      score: 650,
      accounts: [
        { accountId: 'C1', type: 'credit_card', lender: 'L', status: 'active', openedOn: '2021-01-05', sanctionedAmount: 100_000, currentBalance: 30_000, daysPastDue: dpd([0, 30, 0]) },
        { accountId: 'C2', type: 'credit_card', lender: 'L', status: 'active', openedOn: '2022-01-05', sanctionedAmount: 50_000, currentBalance: 15_000, daysPastDue: [] },
        { accountId: 'P1', type: 'personal_loan', lender: 'L', status: 'active', openedOn: '2023-01-05', sanctionedAmount: 200_000, currentBalance: 90_000, daysPastDue: [...dpd([60, 30]), { month: '2024-01', days: 90 }] },
        { accountId: 'H1', type: 'home_loan', lender: 'L', status: 'closed', openedOn: '2015-01-05', sanctionedAmount: 2_000_000, currentBalance: 0, daysPastDue: [] },
      ],
      enquiries: [],
    };
    const s = summarizeCreditReport(report, new Date('2026-10-31T00:00:00Z'));
    // Missed: C1 2026-08 (30), P1 2026-09 (60) and 2026-08 (30); P1's 2024-01 is older than twelve months.
    assert.equal(s.missedPayments12m, 3);
    assert.equal(s.openLoans, 1);
    assert.equal(s.revolvingUtilisation, 45_000 / 150_000);
  });
});

describe('the built-in assessRisk scores with the tenant’s registered ONNX model', () => {
  const tenant = freshTenant('loanrisk');
  let v1: TrainedRiskModel;
  let activities: MetisActivities;

  before(async () => {
    await store.ensureBucket();
    v1 = trainRiskModel({ tenantId: tenant, version: 'v1', rows: ROWS });
    await registerRiskModel(store, v1);
    activities = createActivities({ db, objects: store, risk: { latestTtlMs: 200, annualRate: 0, now: () => AS_OF } });
  });
  after(async () => {
    for (const o of await store.list(`models/risk-scoring/${tenant}/`)) await store.delete(o.key);
    await db.destroy();
  });

  test('its score and contributions equal a direct onnxruntime run on the same features', async () => {
    const got = await activities.assessRisk({ tenantId: tenant, application: application(), credit });
    const want = await direct(v1, HAND_FEATURES);
    assert.equal(got.modelVersion, 'v1');
    assert.equal(got.riskScore, want.probability);
    assert.equal(got.riskCategory, band(want.probability));
    assert.deepEqual({ ...got.contributingFactors }, want.contributions);
    assert.equal(got.imputedFeatures, undefined);
    // Largest effect first.
    const sizes = Object.values(got.contributingFactors).map(Math.abs);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a));
  });

  test('without a credit report the bureau features are scored at the training mean', async () => {
    const got = await activities.assessRisk({ tenantId: tenant, application: application(), credit: null });
    const { credit_score: _s, missed_payments_12m: _m, credit_utilization: _u, existing_loans: _l, ...known } = HAND_FEATURES;
    const want = await direct(v1, known);
    assert.equal(got.riskScore, want.probability);
    assert.deepEqual(got.imputedFeatures, ['credit_score', 'missed_payments_12m', 'credit_utilization', 'existing_loans']);
    assert.ok(got.contributingFactors['credit_score'] === 0, 'an imputed feature contributes nothing');
  });

  test('a new model version is picked up without a restart, once the latest pointer’s TTL has passed', async () => {
    const v2 = trainRiskModel({ tenantId: tenant, version: 'v2', seed: 'second-draw', rows: ROWS });
    await registerRiskModel(store, v2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    // The first call after the TTL may still answer with v1 while it re-reads `latest`.
    let got: RiskAssessment | undefined;
    for (let i = 0; i < 20 && got?.modelVersion !== 'v2'; i++) {
      got = await activities.assessRisk({ tenantId: tenant, application: application(), credit });
      if (got.modelVersion !== 'v2') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(got?.modelVersion, 'v2');
    const want = await direct(v2, HAND_FEATURES);
    assert.equal(got?.riskScore, want.probability);
    assert.deepEqual({ ...got?.contributingFactors }, want.contributions);
  });

  test('a tenant without a model fails non-retryably as RISK_MODEL_NOT_FOUND', async () => {
    await assert.rejects(
      activities.assessRisk({ tenantId: freshTenant('nomodel'), application: application(), credit }),
      (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable && e.type === 'RISK_MODEL_NOT_FOUND',
    );
  });

  test('it is marked as needing onnxruntime-node; a given scorer or loan check needs nothing', async () => {
    // The marks are read off the functions themselves, which are not called here.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    assert.deepEqual(await requireNativeModules({ assessRisk: activities.assessRisk }), ['onnxruntime-node']);
    const scorer = createRiskScorer({ store });
    const withScorer = createActivities({ db, objects: store, risk: { scorer } });
    // eslint-disable-next-line @typescript-eslint/unbound-method
    assert.deepEqual(await requireNativeModules({ assessRisk: withScorer.assessRisk }), []);
    await scorer.dispose();
  });

  test('a loan check given in loanChecks wins over the built-in one', async () => {
    const own: RiskAssessment = { riskScore: 0.5, riskCategory: 'high', modelVersion: 'own', contributingFactors: {} };
    const custom = createActivities({ db, objects: store, loanChecks: { assessRisk: () => Promise.resolve(own) } });
    assert.deepEqual(await custom.assessRisk({ tenantId: tenant, application: application(), credit }), own);
  });
});
