// What the example runners and the demo run against: the local stack, workers in this process,
// and simulated third parties (two credit bureaus, a payout system, the tenant's webhook
// endpoint) on loopback. Document verification and risk scoring use the simple example
// implementations below until a tenant configures the OCR and risk-model activities.
import { createHttpBureauProvider } from '@metis/activities/bureau';
import { createHttpDisbursementProvider } from '@metis/activities/loans';
import type { AutomationInput, JsonRecord } from '@metis/activities/journeys';
import type { LoanCheckActivities } from '@metis/activities/loans';
import { sampleTenants } from '@metis/fsm';
import { createMetis, loadConfigFromEnv } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Metis, TenantDefinition } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { startBureauSimulator, startPaymentsSimulator, startWebhookReceiver } from '@metis/testing';
import type { WebhookReceiver } from '@metis/testing';

/** A running example: the client, its workers and the simulated third parties. */
export interface ExampleStack {
  readonly metis: Metis;
  readonly workers: MetisWorkers;
  readonly webhooks: WebhookReceiver;
  readonly tenants: readonly TenantDefinition[];
  close(): Promise<void>;
}

/** Example document verification: every document given has content and decent quality scores. */
export function exampleVerification(input: AutomationInput): Promise<JsonRecord> {
  const documents = Object.values(input.data).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && 'bytes' in v);
  const issues = documents.filter((d) => !(Number(d['bytes']) > 0) || Number(d['blur_score'] ?? 0) > 0.6).map((d) => `document ${typeof d['document_id'] === 'string' ? d['document_id'] : '?'} is empty or blurred`);
  return Promise.resolve({ verified: documents.length > 0 && issues.length === 0, retryable: true, issues });
}

/** Example risk score: a logistic curve of the bureau score. */
export const exampleRisk: LoanCheckActivities['assessRisk'] = ({ credit }) => {
  const riskScore = Math.round((1 / (1 + Math.exp(((credit?.score ?? 650) - 680) / 40))) * 10_000) / 10_000;
  return Promise.resolve({ riskScore, riskCategory: riskScore < 0.3 ? 'low' : riskScore < 0.7 ? 'medium' : 'high', modelVersion: 'example-logistic', contributingFactors: { bureau_score: riskScore } });
};

/** Start workers, simulators and the client for the two sample tenants. */
export async function startExampleStack(): Promise<ExampleStack> {
  const config = loadConfigFromEnv();
  const [alpha, beta, payments, webhooks] = await Promise.all([
    startBureauSimulator({ format: 'metis-v1', name: 'alpha' }),
    startBureauSimulator({ format: 'tradeline-v2', name: 'beta' }),
    startPaymentsSimulator(),
    startWebhookReceiver(),
  ]);
  const webhook = { url: webhooks.url, secret: webhooks.secret };
  const tenants: TenantDefinition[] = Object.values(sampleTenants).map((t) => ({
    tenantId: t.tenantId,
    displayName: t.name,
    journeys: t.journeys,
    loanPolicy: { ruleSet: t.ruleSet, mode: t === sampleTenants.zenith ? 'parallel' : 'sequential', reviewTimeout: '1h' },
    webhook,
  }));
  const workers = await createWorkers({
    config,
    tenants,
    logLevel: 'ERROR',
    services: {
      automations: { 'kyc.document_verification': exampleVerification },
      bureau: {
        resolveBureauConfig: () => ({
          providers: [
            { provider: createHttpBureauProvider({ name: 'alpha', baseUrl: alpha.url, format: 'metis-v1', timeoutMs: 2_000 }) },
            { provider: createHttpBureauProvider({ name: 'beta', baseUrl: beta.url, format: 'tradeline-v2', timeoutMs: 2_000 }) },
          ],
        }),
      },
      loanChecks: {
        verifyLoanDocuments: ({ application }) => Promise.resolve({ verified: (application.documents ?? []).length > 0, issues: (application.documents ?? []).length > 0 ? [] : ['no documents attached'] }),
        assessRisk: exampleRisk,
      },
      disbursement: createHttpDisbursementProvider({ baseUrl: payments.url, apiKey: payments.apiKey }),
    },
  });
  const metis = await createMetis({ ...config, tenants });
  return {
    metis,
    workers,
    webhooks,
    tenants,
    async close() {
      await metis.close();
      await workers.shutdown();
      await Promise.all([alpha.close(), beta.close(), payments.close(), webhooks.close()]);
    },
  };
}
