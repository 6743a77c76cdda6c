import type { Metrics } from '../metrics/metrics.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';
import { heartbeatIfActivity, toActivityFailure } from '../documents/intelligence/activity-support.ts';
import { needingNativeModules } from '../native-modules.ts';
import { createRiskScorer } from './risk-scorer.ts';
import type { RiskScorer } from './risk-scorer.ts';
import type { RiskFeatures, RiskScore } from './types.ts';

/** Dependencies of the risk activities. */
export interface RiskActivityDeps {
  /** Registry holding the tenants' models. */
  readonly objects: ObjectStore;
  /** A shared scorer; created from `objects` when absent. */
  readonly riskScorer?: RiskScorer;
  /** TTL of the `latest` pointer when the scorer is created here (default 5 s). */
  readonly riskLatestTtlMs?: number;
  readonly metrics?: Metrics;
}

/** One applicant to score. */
export interface ScoreRiskInput {
  readonly tenantId: string;
  readonly applicantId?: string;
  /** Feature values by name, as the tenant's model lists them. */
  readonly features: RiskFeatures;
  /** Pin a model version instead of `latest`. */
  readonly modelVersion?: string;
}

/** Many applicants to score with one model version. */
export interface ScoreRiskBatchInput {
  readonly tenantId: string;
  readonly applicants: readonly { readonly applicantId: string; readonly features: RiskFeatures }[];
  readonly modelVersion?: string;
}

/** A scored applicant of a batch. */
export interface ScoredApplicant {
  readonly applicantId: string;
  readonly score: RiskScore;
}

/** Risk activities, as workflows see them (run them on the `metis-ai` pool). */
export interface RiskActivities {
  /** Score one applicant with the tenant's current (or pinned) model. */
  scoreRisk(input: ScoreRiskInput): Promise<RiskScore>;
  /** Score applicants in batches of 1,000 per inference, heartbeating between batches. */
  scoreRiskBatch(input: ScoreRiskBatchInput): Promise<ScoredApplicant[]>;
}

/** Applicants scored per inference in a batch activity. */
export const RISK_BATCH_CHUNK = 1_000;

/** Create the risk activities. */
export function createRiskActivities(deps: RiskActivityDeps): RiskActivities {
  const scorer =
    deps.riskScorer ??
    createRiskScorer({ store: deps.objects, ...(deps.riskLatestTtlMs === undefined ? {} : { latestTtlMs: deps.riskLatestTtlMs }), ...(deps.metrics ? { metrics: deps.metrics } : {}) });
  // The built-in scorer runs the models on onnxruntime; a scorer of the caller's brings its own runtime.
  return needingNativeModules({
    async scoreRisk(input) {
      try {
        return await scorer.score(input.tenantId, input.features, input.modelVersion ? { version: input.modelVersion } : {});
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
    async scoreRiskBatch(input) {
      try {
        // Pin one version for the whole batch, even if `latest` moves meanwhile.
        const version = input.modelVersion ?? (await scorer.currentVersion(input.tenantId));
        const out: ScoredApplicant[] = [];
        for (let i = 0; i < input.applicants.length; i += RISK_BATCH_CHUNK) {
          const chunk = input.applicants.slice(i, i + RISK_BATCH_CHUNK);
          const scores = await scorer.scoreBatch(input.tenantId, chunk.map((a) => a.features), { version });
          chunk.forEach((a, k) => out.push({ applicantId: a.applicantId, score: scores[k] as RiskScore }));
          heartbeatIfActivity({ scored: out.length, of: input.applicants.length });
        }
        return out;
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
  }, deps.riskScorer ? [] : ['onnxruntime-node']);
}
