// What the loan tests run against: two simulated bureaus (real HTTP, the real waterfall and
// breakers), a simulated payout system and a webhook receiver. Document verification and the
// risk score use the simple test implementations below (the OCR and ONNX-model implementations
// are configured by tenant services and tested on their own).
import { createHttpBureauProvider } from '@metis/activities/bureau';
import { createHttpDisbursementProvider } from '@metis/activities/loans';
import type { LoanCheckActivities, RiskAssessment } from '@metis/activities/loans';
import { sampleTenants } from '@metis/fsm';
import type { LoanPolicy, TenantDefinition } from '@metis/sdk';
import type { CreateWorkersOptions } from '@metis/worker';
import { startBureauSimulator, startPaymentsSimulator, startWebhookReceiver } from '@metis/testing';
export { panWithScore, pansWithScore } from '@metis/testing';
import type { BureauSimulator, PaymentsSimulator, WebhookReceiver } from '@metis/testing';

/** The third parties of a loan test. */
export interface LoanWorld {
  readonly bureauA: BureauSimulator;
  readonly bureauB: BureauSimulator;
  readonly payments: PaymentsSimulator;
  readonly webhooks: WebhookReceiver;
  close(): Promise<void>;
}

/** Start the simulated third parties. */
export async function startLoanWorld(): Promise<LoanWorld> {
  const bureauA = await startBureauSimulator({ format: 'metis-v1', name: 'alpha' });
  const bureauB = await startBureauSimulator({ format: 'tradeline-v2', name: 'beta' });
  const payments = await startPaymentsSimulator();
  const webhooks = await startWebhookReceiver();
  return {
    bureauA,
    bureauB,
    payments,
    webhooks,
    async close() {
      await Promise.all([bureauA.close(), bureauB.close(), payments.close(), webhooks.close()]);
    },
  };
}

/** Test implementation of document verification: verified unless the applicant's name says "Forged". */
export const testDocumentCheck: LoanCheckActivities['verifyLoanDocuments'] = ({ application }) =>
  Promise.resolve(application.applicant.name.includes('Forged') ? { verified: false, issues: ['name on the PAN does not match'] } : { verified: true, issues: [] });

/** Test implementation of the risk score: a fixed logistic curve of the bureau score. */
export const testRiskScore: LoanCheckActivities['assessRisk'] = ({ credit }) => {
  const score = credit?.score ?? 600;
  const riskScore = Math.round((1 / (1 + Math.exp((score - 680) / 40))) * 10_000) / 10_000;
  const assessment: RiskAssessment = {
    riskScore,
    riskCategory: riskScore < 0.3 ? 'low' : riskScore < 0.7 ? 'medium' : 'high',
    modelVersion: 'test-logistic-1',
    contributingFactors: { bureau_score: riskScore },
  };
  return Promise.resolve(assessment);
};

/** Worker services for a loan test, against the simulators at these URLs. */
export function loanServices(urls: { bureauA: string; bureauB: string; payments: string; paymentsKey: string }): NonNullable<CreateWorkersOptions['services']> {
  const providers = [
    { provider: createHttpBureauProvider({ name: 'alpha', baseUrl: urls.bureauA, format: 'metis-v1', timeoutMs: 1_000 }), breaker: { volumeThreshold: 3, resetTimeoutMs: 2_000 } },
    { provider: createHttpBureauProvider({ name: 'beta', baseUrl: urls.bureauB, format: 'tradeline-v2', timeoutMs: 1_000 }), breaker: { volumeThreshold: 3, resetTimeoutMs: 2_000 } },
  ];
  return {
    bureau: { resolveBureauConfig: () => ({ providers }) },
    loanChecks: { verifyLoanDocuments: testDocumentCheck, assessRisk: testRiskScore },
    disbursement: createHttpDisbursementProvider({ baseUrl: urls.payments, apiKey: urls.paymentsKey, timeoutMs: 2_000 }),
  };
}

/** A loan policy for tests: the sample tenant's rules, quick provider retries, short reviews. */
export function testPolicy(tenant: 'acme' | 'zenith', overrides: Partial<LoanPolicy> = {}): LoanPolicy {
  return { ruleSet: sampleTenants[tenant].ruleSet, providerRetry: { initialInterval: '200ms', maximumAttempts: 3 }, reviewTimeout: '30s', ...overrides };
}

/** The sample tenant as a definition with its webhook and loan policy. */
export function testTenant(tenant: 'acme' | 'zenith', webhook: { url: string; secret: string }, policy: LoanPolicy = testPolicy(tenant)): TenantDefinition {
  const t = sampleTenants[tenant];
  return { tenantId: t.tenantId, displayName: t.name, journeys: t.journeys, loanPolicy: policy, webhook };
}
