// A loan through real workers whose risk step is the built-in one: the tenant's registered ONNX
// model in MinIO, over the features the loan assembles from the application and the bureau report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { LoanApplication } from '@metis/activities/loans';
import { readLatestRiskVersion, registerRiskModel, riskLatestKey } from '@metis/activities/risk';
import { createMinioObjectStore } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';
import { createMetis } from '@metis/sdk';
import type { Metis } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { MetisWorkers } from '@metis/worker';
import { testConfig, trainRiskModel, uniqueId, waitFor } from '@metis/testing';
import type { TrainedRiskModel } from '@metis/testing';
import { loanServices, panWithScore, startLoanWorld, testDocumentCheck, testTenant } from './support/loan-services.ts';
import type { LoanWorld } from './support/loan-services.ts';

const config = testConfig({ temporal: { taskQueuePrefix: uniqueId('loanrisk') } });
const acme = sampleTenants.acme.tenantId;
const store = createMinioObjectStore(config.objectStore);
const AS_OF = new Date('2026-03-01T00:00:00Z');
// A version of this run only, so the assertion cannot pass on a model another run left as `latest`.
const version = uniqueId('loan-model');
let world: LoanWorld;
let workers: MetisWorkers;
let metis: Metis;
let model: TrainedRiskModel;
let previous: string | undefined;

describe('a loan scored by the tenant’s registered risk model', () => {
  before(async () => {
    await store.ensureBucket();
    previous = await readLatestRiskVersion(store, acme).catch(() => undefined);
    model = trainRiskModel({ tenantId: acme, version, rows: 4_000 });
    await registerRiskModel(store, model);
    world = await startLoanWorld();
    const webhook = { url: world.webhooks.url, secret: world.webhooks.secret };
    const tenants = [testTenant('acme', webhook)];
    const services = loanServices({ bureauA: world.bureauA.url, bureauB: world.bureauB.url, payments: world.payments.url, paymentsKey: world.payments.apiKey });
    workers = await createWorkers({
      config,
      tenants,
      // Documents from the test check; the risk step is the built-in one.
      services: { ...services, loanChecks: { verifyLoanDocuments: testDocumentCheck }, risk: { annualRate: 0, now: () => AS_OF } },
    });
    metis = await createMetis({ ...config, tenants });
  });
  after(async () => {
    await metis.close();
    await workers.shutdown();
    await world.close();
    // Point `latest` back where it was (unless another run moved it since): a pointer at a deleted version would break scoring.
    if ((await readLatestRiskVersion(store, acme)) === version) {
      if (previous) await store.put(riskLatestKey(acme), new TextEncoder().encode(JSON.stringify({ version: previous, registeredAt: new Date().toISOString() })), { contentType: 'application/json' });
      else await store.delete(riskLatestKey(acme));
    }
    await store.delete(`models/risk-scoring/${acme}/${version}.onnx`);
    await store.delete(`models/risk-scoring/${acme}/${version}.json`);
  });

  test('the loan’s risk step reports the model version and contributions of a direct onnxruntime run', async () => {
    const app: LoanApplication = {
      applicationId: uniqueId('app'),
      amount: 360_000,
      tenureMonths: 36,
      purpose: 'home improvement',
      kycStatus: 'done',
      kycMismatch: false,
      applicant: { applicantId: uniqueId('cust'), name: 'Priya Sharma', pan: panWithScore(760, 900), dateOfBirth: '1990-04-01', monthlyIncome: 100_000, employmentType: 'salaried', employmentYears: 5, existingMonthlyEmi: 10_000 },
    };
    await metis.tenant(acme).loans.apply(app);
    await metis.tenant(acme).loans.waitForDecision(app.applicationId);
    const view = await waitFor(async () => {
      const v = await metis.tenant(acme).loans.get(app.applicationId);
      return v.risk && v.credit ? v : undefined;
    }, 20_000, 'the risk step');
    const credit = view.credit;
    assert.ok(view.risk && credit);
    assert.equal(view.risk.modelVersion, version);
    assert.ok(view.steps.some((s) => s.step === 'risk' && s.detail.includes(`model ${version}`)));

    // By hand: DTI (10,000 + 360,000 / 36) / 100,000 = 0.2 at a 0% rate; LTI 360,000 / 1,200,000 = 0.3; 35 on 2026-03-01.
    const values: Record<string, number | null | undefined> = {
      credit_score: credit.score,
      monthly_income: 100_000,
      debt_to_income: 0.2,
      loan_to_income: 0.3,
      employment_years: 5,
      age: 35,
      missed_payments_12m: credit.missedPayments12m,
      credit_utilization: credit.revolvingUtilisation,
      existing_loans: credit.openLoans,
      kyc_mismatch: 0,
    };
    const x = Float32Array.from(model.metadata.features.map((f) => {
      const v = values[f.name];
      if (v === null || v === undefined) return f.mean;
      return f.transform === 'log1p' ? Math.log1p(v) : v;
    }));
    const session = await InferenceSession.create(model.onnx);
    try {
      const out = await session.run({ features: new Tensor('float32', x, [1, x.length]) });
      const contributions = out['contributions']?.data as Float32Array;
      assert.equal(view.risk.riskScore, (out['probability']?.data as Float32Array)[0]);
      // JSON has no negative zero: a contribution of -0 from onnxruntime reaches the view as 0.
      assert.deepEqual({ ...view.risk.contributingFactors }, Object.fromEntries(model.metadata.features.map((f, j) => [f.name, (contributions[j] ?? Number.NaN) + 0])));
    } finally {
      await session.release();
    }
    const imputed = Object.entries(values).filter(([, v]) => v === null || v === undefined).map(([k]) => k);
    assert.deepEqual(view.risk.imputedFeatures ?? [], imputed);
  });
});
