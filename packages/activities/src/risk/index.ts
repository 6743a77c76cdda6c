// @metis/activities/risk: risk scoring with tenants' ONNX models from the registry (onnxruntime-node loaded on first use).
export { createRiskActivities, RISK_BATCH_CHUNK } from './risk-activities.ts';
export type { RiskActivities, RiskActivityDeps, ScoreRiskBatchInput, ScoreRiskInput, ScoredApplicant } from './risk-activities.ts';
export { createRiskScorer } from './risk-scorer.ts';
export type { RiskScorer, RiskScorerOptions, ScoreOptions } from './risk-scorer.ts';
export {
  assertModelVersion,
  listRiskModelVersions,
  readLatestRiskVersion,
  readRiskModel,
  registerRiskModel,
  riskLatestKey,
  riskModelKeys,
  riskModelPrefix,
} from './model-registry.ts';
export type { LatestPointer } from './model-registry.ts';
export { RiskModelNotFoundError, InvalidRiskInputError, RiskModelInvalidError } from './errors.ts';
export { DEFAULT_RISK_CATEGORIES } from './types.ts';
export type { ContributingFactor, FeatureTransform, RiskCategoryBand, RiskFeatures, RiskFeatureSpec, RiskModelMetadata, RiskScore } from './types.ts';
export { checkRiskModel, metadataLogit } from './model-check.ts';
export { rawFeatureValue, transformFeature } from './features.ts';
export { LOAN_RISK_FEATURES, loanInstalment, loanRiskFeatures } from './loan-features.ts';
export type { LoanRiskFeatureName, LoanRiskFeatureOptions, LoanRiskFeatureSet } from './loan-features.ts';
export { createLoanRiskCheck, toRiskAssessment } from './loan-risk.ts';
export type { LoanRiskCheckDeps, LoanRiskOptions } from './loan-risk.ts';
