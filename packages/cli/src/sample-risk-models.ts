import { readLatestRiskVersion, registerRiskModel, RiskModelNotFoundError } from '@metis/activities/risk';
import type { RiskModelMetadata } from '@metis/activities/risk';
import type { ObjectStore } from '@metis/activities/storage';
import { sampleTenants } from '@metis/fsm';

/** Version the sample tenants' models are registered as. */
export const SAMPLE_RISK_MODEL_VERSION = 'sample-v1';

/** Train a tenant's risk model (the shape of `trainRiskModel` in @metis/testing). */
export type RiskModelTrainer = (options: { readonly tenantId: string; readonly version: string; readonly seed: string }) => {
  readonly onnx: Uint8Array;
  readonly metadata: RiskModelMetadata;
};

/** What `ensureSampleRiskModels` needs. */
export interface SampleRiskModelDeps {
  /** The model registry (the Metis bucket). */
  readonly store: ObjectStore;
  readonly train: RiskModelTrainer;
  /** Tenants to give a model (default the sample tenants of @metis/fsm). */
  readonly tenants?: readonly string[];
  /** Version to register (default `SAMPLE_RISK_MODEL_VERSION`). */
  readonly version?: string;
}

/** What happened to one tenant's model. */
export interface SampleRiskModelResult {
  readonly tenantId: string;
  /** The version `latest` points at now. */
  readonly version: string;
  /** Whether this call trained and registered it (false: the tenant already had a model). */
  readonly registered: boolean;
  /** Held-out AUC of a model registered now. */
  readonly testAuc?: number;
}

/**
 * Give every sample tenant a risk model: train one on its own synthetic population (seed
 * `sample:{tenantId}`, so the tenants' models differ) and register it as `latest`, unless the
 * tenant already has a `latest` model — the sample one from an earlier run or one of its own, which
 * is never replaced. Running it again therefore registers nothing.
 */
export async function ensureSampleRiskModels(deps: SampleRiskModelDeps): Promise<SampleRiskModelResult[]> {
  const version = deps.version ?? SAMPLE_RISK_MODEL_VERSION;
  const results: SampleRiskModelResult[] = [];
  for (const tenantId of deps.tenants ?? Object.values(sampleTenants).map((t) => t.tenantId)) {
    try {
      results.push({ tenantId, version: await readLatestRiskVersion(deps.store, tenantId), registered: false });
      continue;
    } catch (error) {
      if (!(error instanceof RiskModelNotFoundError)) throw error;
    }
    const model = deps.train({ tenantId, version, seed: `sample:${tenantId}` });
    await registerRiskModel(deps.store, model);
    results.push({ tenantId, version, registered: true, testAuc: model.metadata.metrics.testAuc });
  }
  return results;
}

/** Load the sample trainer from @metis/testing, or return undefined when that package is not installed. */
export async function loadRiskModelTrainer(): Promise<RiskModelTrainer | undefined> {
  try {
    const testing = await import('@metis/testing');
    return testing.trainRiskModel;
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' && error instanceof Error && error.message.includes('@metis/testing')) return undefined;
    throw error;
  }
}
