// What the example runners and the demo run against: the local stack, workers in this process
// with Metis' built-in document verification (OCR), risk scoring (each tenant's registered ONNX
// model, trained by `metis dev init`) and underwriter briefs (the GGUF model at METIS_LLM_MODEL,
// or the generated one), and simulated third parties (two credit bureaus, a payout system, the
// tenant's webhook endpoint) on loopback.
import { createHttpBureauProvider } from '@metis/activities/bureau';
import { createHttpDisbursementProvider } from '@metis/activities/loans';
import { sampleTenants } from '@metis/fsm';
import { createMetis, loadConfigFromEnv } from '@metis/sdk';
import { createWorkers } from '@metis/worker';
import type { Metis, MetisConfig, TenantDefinition } from '@metis/sdk';
import type { MetisWorkers } from '@metis/worker';
import { ensureGeneratedModel, startBureauSimulator, startPaymentsSimulator, startWebhookReceiver } from '@metis/testing';
import type { BureauSimulator, PaymentsSimulator, WebhookReceiver } from '@metis/testing';

/** A running example: the client, its workers and the simulated third parties. */
export interface ExampleStack {
  readonly metis: Metis;
  readonly workers: MetisWorkers;
  readonly webhooks: WebhookReceiver;
  readonly tenants: readonly TenantDefinition[];
  /** The GGUF model the briefs are written with, and whether it is the generated one (whose words mean nothing). */
  readonly llm: { readonly path: string; readonly generated: boolean };
  close(): Promise<void>;
}

/** Workers and simulated third parties, without a client. */
export interface ExampleWorkers {
  readonly workers: MetisWorkers;
  readonly webhooks: WebhookReceiver;
  /** The simulated credit bureaus and payout system, whose faults a test can set. */
  readonly simulators: { readonly bureaus: readonly BureauSimulator[]; readonly payments: PaymentsSimulator };
  readonly tenants: readonly TenantDefinition[];
  /** The GGUF model the briefs are written with, and whether it is the generated one (whose words mean nothing). */
  readonly llm: { readonly path: string; readonly generated: boolean };
  close(): Promise<void>;
}

/** Return the two sample tenants as the examples define them (loan policies, and the webhook endpoint when given). */
export function exampleTenants(webhook?: { readonly url: string; readonly secret: string }): TenantDefinition[] {
  return Object.values(sampleTenants).map((t) => ({
    tenantId: t.tenantId,
    displayName: t.name,
    journeys: t.journeys,
    loanPolicy: { ruleSet: t.ruleSet, mode: t === sampleTenants.zenith ? 'parallel' : 'sequential', reviewTimeout: '1h' },
    ...(webhook ? { webhook } : {}),
  }));
}

/** Start workers for the two sample tenants, with simulated bureaus, payouts and webhook endpoint. */
export async function startExampleWorkers(config: MetisConfig = loadConfigFromEnv()): Promise<ExampleWorkers> {
  const [alpha, beta, payments, webhooks] = await Promise.all([
    startBureauSimulator({ format: 'metis-v1', name: 'alpha' }),
    startBureauSimulator({ format: 'tradeline-v2', name: 'beta' }),
    startPaymentsSimulator(),
    startWebhookReceiver(),
  ]);
  const closeSimulators = () => Promise.all([alpha.close(), beta.close(), payments.close(), webhooks.close()]);
  try {
    const tenants = exampleTenants({ url: webhooks.url, secret: webhooks.secret });
    const given = process.env['METIS_LLM_MODEL'];
    const llm = given ? { path: given, generated: false } : { path: await ensureGeneratedModel(), generated: true };
    const workers = await createWorkers({
      config,
      tenants,
      logLevel: 'ERROR',
      // The runners' workers live for one command, and several may run at once: they serve /metrics
      // only where METIS_METRICS_ADDRESS asks.
      metricsAddress: process.env['METIS_METRICS_ADDRESS'] ?? 'off',
      llmModel: llm.path,
      services: {
        bureau: {
          resolveBureauConfig: () => ({
            providers: [
              { provider: createHttpBureauProvider({ name: 'alpha', baseUrl: alpha.url, format: 'metis-v1', timeoutMs: 2_000 }) },
              { provider: createHttpBureauProvider({ name: 'beta', baseUrl: beta.url, format: 'tradeline-v2', timeoutMs: 2_000 }) },
            ],
          }),
        },
        disbursement: createHttpDisbursementProvider({ baseUrl: payments.url, apiKey: payments.apiKey }),
      },
    });
    return {
      workers,
      webhooks,
      simulators: { bureaus: [alpha, beta], payments },
      tenants,
      llm,
      async close() {
        await workers.shutdown();
        await closeSimulators();
      },
    };
  } catch (error) {
    await closeSimulators();
    throw error;
  }
}

/** Start workers, simulators and the client for the two sample tenants. */
export async function startExampleStack(): Promise<ExampleStack> {
  const config = loadConfigFromEnv();
  const started = await startExampleWorkers(config);
  let metis: Metis;
  try {
    metis = await createMetis({ ...config, tenants: started.tenants });
  } catch (error) {
    await started.close();
    throw error;
  }
  return {
    metis,
    workers: started.workers,
    webhooks: started.webhooks,
    tenants: started.tenants,
    llm: started.llm,
    async close() {
      await metis.close();
      await started.close();
    },
  };
}
