import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadNativeModule } from '../native-modules.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { noopMetrics } from '../metrics/metrics.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';
import { InvalidRiskInputError, RiskModelInvalidError } from './errors.ts';
import { readLatestRiskVersion, readRiskModel, riskModelKeys } from './model-registry.ts';
import { rawFeatureValue, transformFeature } from './features.ts';
import type { ContributingFactor, RiskFeatures, RiskModelMetadata, RiskScore } from './types.ts';

/** How a scorer finds and keeps models. */
export interface RiskScorerOptions {
  /** Registry holding `models/risk-scoring/...`. */
  readonly store: ObjectStore;
  /**
   * How long a tenant's `latest` pointer is trusted (default 5 s). After that the next score still uses
   * the known version while the pointer is re-read in the background, so a new version is picked up
   * within the TTL plus one call, without a restart and without a registry round trip on the hot path.
   */
  readonly latestTtlMs?: number;
  /** Loaded model versions kept (least recently used evicted; default 32). */
  readonly maxModels?: number;
  /** Threads per inference (default 1: risk graphs are tiny). */
  readonly intraOpThreads?: number;
  readonly metrics?: Metrics;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** Per-call options. */
export interface ScoreOptions {
  /** Score with this version instead of `latest`. */
  readonly version?: string;
  /**
   * Features an applicant may leave out: an absent one is scored at the model's training mean (so it
   * contributes 0) and listed in the score's `imputed`. Any other absent feature is rejected.
   */
  readonly impute?: readonly string[];
}

/** Scores applicants with each tenant's registered model, loading and caching models by tenant and version. */
export interface RiskScorer {
  /** Score one applicant. */
  score(tenantId: string, features: RiskFeatures, options?: ScoreOptions): Promise<RiskScore>;
  /** Score many applicants in one inference. */
  scoreBatch(tenantId: string, applicants: readonly RiskFeatures[], options?: ScoreOptions): Promise<RiskScore[]>;
  /** Return the version `latest` points at, re-reading it when the TTL has passed. */
  currentVersion(tenantId: string): Promise<string>;
  /** Release every loaded model. */
  dispose(): Promise<void>;
}

interface LoadedModel {
  readonly session: InferenceSession;
  readonly metadata: RiskModelMetadata;
  readonly Tensor: typeof Tensor;
}

/** Create a risk scorer over a model registry. */
export function createRiskScorer(options: RiskScorerOptions): RiskScorer {
  const ttl = options.latestTtlMs ?? 5_000;
  const maxModels = options.maxModels ?? 32;
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? noopMetrics;
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: Math.max(1, Math.min(options.intraOpThreads ?? 1, availableParallelism())),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const latest = new Map<string, { version: string; checkedAt: number; refresh?: Promise<string> }>();
  const models = new Map<string, Promise<LoadedModel>>();

  /** Read `latest` once at a time per tenant; on a registry error keep the version already known. */
  const refresh = (tenantId: string): Promise<string> => {
    const entry = latest.get(tenantId);
    if (entry?.refresh) return entry.refresh;
    const pending = readLatestRiskVersion(options.store, tenantId).then(
      (version) => {
        if (entry?.version && entry.version !== version) metrics.count('metis_risk_model_switches_total', 1, { tenant: tenantId });
        latest.set(tenantId, { version, checkedAt: now() });
        return version;
      },
      (error: unknown) => {
        if (entry?.version) {
          latest.set(tenantId, { version: entry.version, checkedAt: now() });
          metrics.count('metis_risk_registry_errors_total', 1, { tenant: tenantId });
          return entry.version;
        }
        latest.delete(tenantId);
        throw error;
      },
    );
    latest.set(tenantId, { version: entry?.version ?? '', checkedAt: entry?.checkedAt ?? -Infinity, refresh: pending });
    return pending;
  };

  /** Resolve `latest` for scoring: fresh within the TTL; once stale, serve the known version while re-reading it. */
  const resolveVersion = async (tenantId: string): Promise<string> => {
    const entry = latest.get(tenantId);
    if (entry?.version) {
      if (now() - entry.checkedAt >= ttl) void refresh(tenantId).catch(() => undefined);
      return entry.version;
    }
    return refresh(tenantId);
  };

  /** Resolve `latest` strictly: re-read it once the TTL has passed. */
  const currentVersion = async (tenantId: string): Promise<string> => {
    const entry = latest.get(tenantId);
    return entry?.version && now() - entry.checkedAt < ttl ? entry.version : refresh(tenantId);
  };

  const load = (tenantId: string, version: string): Promise<LoadedModel> => {
    const key = `${tenantId}@${version}`;
    const cached = models.get(key);
    if (cached) {
      models.delete(key);
      models.set(key, cached);
      return cached;
    }
    const loading = (async (): Promise<LoadedModel> => {
      const t0 = performance.now();
      const { onnx, metadata } = await readRiskModel(options.store, tenantId, version);
      const { InferenceSession, Tensor } = await loadNativeModule('onnxruntime-node');
      let session: InferenceSession;
      try {
        session = await InferenceSession.create(onnx, sessionOptions);
      } catch (error) {
        throw new RiskModelInvalidError(riskModelKeys(tenantId, version).onnx, 'onnxruntime cannot load it', error);
      }
      metrics.count('metis_risk_model_loads_total', 1, { tenant: tenantId, version });
      metrics.observe('metis_risk_model_load_seconds', (performance.now() - t0) / 1000, { tenant: tenantId });
      return { session, metadata, Tensor };
    })();
    loading.catch(() => models.delete(key));
    models.set(key, loading);
    while (models.size > maxModels) {
      const [oldestKey, oldest] = models.entries().next().value as [string, Promise<LoadedModel>];
      models.delete(oldestKey);
      void oldest.then((m) => m.session.release()).catch(() => undefined);
    }
    return loading;
  };

  const scoreBatch = async (tenantId: string, applicants: readonly RiskFeatures[], callOptions: ScoreOptions = {}): Promise<RiskScore[]> => {
    if (applicants.length === 0) return [];
    const version = callOptions.version ?? (await resolveVersion(tenantId));
    const { session, metadata, Tensor } = await load(tenantId, version);
    const f = metadata.features.length;
    const input = new Float32Array(applicants.length * f);
    const bad = new Set<string>();
    const impute = new Set(callOptions.impute ?? []);
    const imputed = applicants.map((applicant, row) => {
      const left: string[] = [];
      metadata.features.forEach((feature, j) => {
        const value = applicant[feature.name];
        if (value === undefined && impute.has(feature.name)) {
          input[row * f + j] = feature.mean;
          left.push(feature.name);
        } else if (typeof value !== 'number' || !Number.isFinite(value)) bad.add(feature.name);
        else input[row * f + j] = transformFeature(value, feature.transform);
      });
      return left;
    });
    if (bad.size > 0) throw new InvalidRiskInputError([...bad], 'missing or not finite');
    const t0 = performance.now();
    const out = await session.run({ [metadata.onnx.input]: new Tensor('float32', input, [applicants.length, f]) });
    metrics.observe('metis_risk_inference_seconds', (performance.now() - t0) / 1000, { tenant: tenantId });
    metrics.count('metis_risk_scores_total', applicants.length, { tenant: tenantId, version });
    const prob = out[metadata.onnx.outputs.probability]?.data as Float32Array;
    const logit = out[metadata.onnx.outputs.logit]?.data as Float32Array;
    const contributions = out[metadata.onnx.outputs.contributions]?.data as Float32Array;
    const bands = metadata.categories;
    return applicants.map((applicant, row) => {
      const p = prob[row] ?? 0;
      const factors: ContributingFactor[] = metadata.features.map((feature, j) => {
        const contribution = contributions[row * f + j] ?? 0;
        const value = applicant[feature.name] ?? rawFeatureValue(feature.mean, feature.transform);
        return { feature: feature.name, value, contribution, direction: contribution > 0 ? 'increases_risk' : 'decreases_risk' };
      });
      factors.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
      return {
        risk_score: p,
        risk_category: bands.find((b) => p <= b.upTo)?.name ?? bands[bands.length - 1]?.name ?? 'unknown',
        contributing_factors: factors,
        model_version: version,
        logit: logit[row] ?? 0,
        intercept: metadata.intercept,
        ...(imputed[row]?.length ? { imputed: imputed[row] } : {}),
      };
    });
  };

  return {
    scoreBatch,
    async score(tenantId, features, callOptions) {
      const [result] = await scoreBatch(tenantId, [features], callOptions);
      return result as RiskScore;
    },
    currentVersion,
    async dispose() {
      const all = [...models.values()];
      models.clear();
      latest.clear();
      await Promise.all(all.map((m) => m.then((x) => x.session.release()).catch(() => undefined)));
    },
  };
}
