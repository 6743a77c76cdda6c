import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../documents/intelligence/activity-support.ts';
import { ConfigurationError } from '../errors.ts';
import type { LoanCheckActivities } from '../loans/loan-activities.ts';
import type { RiskAssessment } from '../loans/loan-types.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { needingNativeModules } from '../native-modules.ts';
import type { ObjectStore } from '../storage/objects/object-store.ts';
import { loanRiskFeatures } from './loan-features.ts';
import { createRiskScorer } from './risk-scorer.ts';
import type { RiskScorer } from './risk-scorer.ts';
import type { RiskScore } from './types.ts';

/** How the built-in loan risk check scores: `createActivities`' `risk` dependency. */
export interface LoanRiskOptions {
  /** A shared scorer (e.g. the one the risk activities use); created over the object store when absent. */
  readonly scorer?: RiskScorer;
  /** How long a tenant's `latest` pointer is trusted when the scorer is created here (default 5 s). */
  readonly latestTtlMs?: number;
  /** Annual rate of the new loan's instalment in `debt_to_income` (default 0.14). */
  readonly annualRate?: number;
  /** Clock the applicant's age is taken at (default the system clock). */
  readonly now?: () => Date;
}

/** What the built-in loan risk check needs. */
export interface LoanRiskCheckDeps extends LoanRiskOptions {
  /** Registry holding the tenants' models (`models/risk-scoring/...`). */
  readonly objects: ObjectStore;
  readonly metrics?: Metrics;
}

/** Turn a model's score into the loan's risk assessment. */
export function toRiskAssessment(score: RiskScore): RiskAssessment {
  return {
    riskScore: score.risk_score,
    riskCategory: score.risk_category,
    modelVersion: score.model_version,
    contributingFactors: Object.fromEntries(score.contributing_factors.map((f) => [f.feature, f.contribution])),
    ...(score.imputed?.length ? { imputedFeatures: [...score.imputed] } : {}),
  };
}

/**
 * Create the built-in `assessRisk`: assemble the loan's features (`loanRiskFeatures`) and score them
 * with the tenant's registered model, features the loan does not give imputed at the training mean.
 * A tenant without a model fails it non-retryably as `RISK_MODEL_NOT_FOUND`; it needs onnxruntime-node
 * unless given its own scorer.
 */
export function createLoanRiskCheck(deps: LoanRiskCheckDeps): LoanCheckActivities['assessRisk'] {
  const scorer =
    deps.scorer ??
    createRiskScorer({ store: deps.objects, ...(deps.latestTtlMs === undefined ? {} : { latestTtlMs: deps.latestTtlMs }), ...(deps.metrics ? { metrics: deps.metrics } : {}) });
  const now = deps.now ?? (() => new Date());
  const assessRisk = async ({ tenantId, application, credit }: Parameters<LoanCheckActivities['assessRisk']>[0]): Promise<RiskAssessment> => {
    try {
      const { features, missing } = loanRiskFeatures(application, credit, { asOf: now(), ...(deps.annualRate === undefined ? {} : { annualRate: deps.annualRate }) });
      return toRiskAssessment(await scorer.score(tenantId, features, { impute: missing }));
    } catch (error) {
      // A missing onnxruntime stays missing until the worker is redeployed: retrying cannot help.
      if (error instanceof ConfigurationError && error.code === 'NATIVE_MODULE_MISSING') {
        throw ApplicationFailure.create({ message: error.message, type: error.code, nonRetryable: true, cause: error });
      }
      throw toActivityFailure(error);
    }
  };
  // The built-in scorer runs the models on onnxruntime; a scorer of the caller's brings its own runtime.
  needingNativeModules({ assessRisk }, deps.scorer ? [] : ['onnxruntime-node']);
  return assessRisk;
}
