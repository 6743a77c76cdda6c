/** How a raw feature value is transformed before standardisation. */
export type FeatureTransform = 'identity' | 'log1p';

/** One model feature: its transform, training statistics and weight. */
export interface RiskFeatureSpec {
  /** Name of the input field, e.g. `credit_score`. */
  readonly name: string;
  /** What the feature means, in one sentence. */
  readonly description: string;
  readonly transform: FeatureTransform;
  /** Mean of the transformed value over the training split. */
  readonly mean: number;
  /** Standard deviation of the transformed value over the training split. */
  readonly std: number;
  /** Weight of the standardised value in the logit. */
  readonly weight: number;
}

/** A risk band: probabilities up to `upTo` (inclusive) fall in it. */
export interface RiskCategoryBand {
  readonly name: string;
  readonly upTo: number;
}

/** What the registry stores next to each model file. */
export interface RiskModelMetadata {
  readonly modelName: 'risk-scoring';
  /** Model family: standardised logistic regression with per-feature contribution outputs. */
  readonly format: 'metis-logistic-v1';
  readonly tenantId: string;
  readonly version: string;
  /** ISO 8601 time of training. */
  readonly trainedAt: string;
  /** Features in the order of the model's input columns. */
  readonly features: readonly RiskFeatureSpec[];
  /** Logit of an applicant at the training mean of every feature. */
  readonly intercept: number;
  /** Bands from low to high risk; the last one catches the rest. */
  readonly categories: readonly RiskCategoryBand[];
  /** Held-out evaluation. */
  readonly metrics: {
    readonly testAuc: number;
    readonly trainAuc: number;
    readonly testLogLoss: number;
    readonly trainRows: number;
    readonly testRows: number;
    readonly positiveRate: number;
  };
  /** Where the training data came from. */
  readonly dataset: { readonly name: string; readonly seed: string; readonly rows: number };
  /** Tensor names of the ONNX graph. */
  readonly onnx: {
    readonly input: string;
    readonly outputs: { readonly probability: string; readonly logit: string; readonly contributions: string };
    readonly opset: number;
  };
}

/** An applicant's feature values by name. */
export type RiskFeatures = Readonly<Record<string, number>>;

/** How much one feature moved the score, in logit units. */
export interface ContributingFactor {
  readonly feature: string;
  /** The raw value given (for an imputed feature, the raw value of the training mean). */
  readonly value: number;
  /** weight × standardised value: the change in logit relative to an applicant at the training mean. */
  readonly contribution: number;
  readonly direction: 'increases_risk' | 'decreases_risk';
}

/** A risk score. `contributing_factors` sum to `logit - intercept` (up to float rounding). */
export interface RiskScore {
  /** Probability of default in [0, 1]. */
  readonly risk_score: number;
  /** Name of the band `risk_score` falls in. */
  readonly risk_category: string;
  /** Every feature's contribution, largest magnitude first. */
  readonly contributing_factors: readonly ContributingFactor[];
  readonly model_version: string;
  /** log(p / (1 - p)). */
  readonly logit: number;
  /** The model's intercept (logit at the training mean). */
  readonly intercept: number;
  /** Features left out and scored at the training mean (`ScoreOptions.impute`); absent when none was. */
  readonly imputed?: readonly string[];
}

/** Default risk bands by probability of default. */
export const DEFAULT_RISK_CATEGORIES: readonly RiskCategoryBand[] = [
  { name: 'low', upTo: 0.1 },
  { name: 'medium', upTo: 0.25 },
  { name: 'high', upTo: 0.5 },
  { name: 'very_high', upTo: 1 },
];
