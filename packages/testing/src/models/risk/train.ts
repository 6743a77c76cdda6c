import { buildLogisticOnnx, LOGISTIC_TENSORS } from './logistic-onnx.ts';
import { generateApplicants, RISK_FEATURES, seededRandom, SYNTHETIC_DATASET } from './synthetic-applicants.ts';
import { DEFAULT_RISK_CATEGORIES } from '@metis/activities/risk';
import { transformFeature } from '@metis/activities/risk';
import type { RiskModelMetadata } from '@metis/activities/risk';


/** Area under the ROC curve: the probability a random positive outranks a random negative (ties count half). */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((s, i) => [s, labels[i] ?? 0] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPositive = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]?.[0] === order[i]?.[0]) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (order[k]?.[1] === 1) {
        rankSumPositive += midRank;
        positives++;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Solve A x = b for a symmetric positive-definite A (Cholesky). */
function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      (l[i] as number[])[j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / (l[j]?.[j] ?? 1);
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= (l[i]?.[k] ?? 0) * (y[k] ?? 0);
    y[i] = sum / (l[i]?.[i] ?? 1);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] ?? 0;
    for (let k = i + 1; k < n; k++) sum -= (l[k]?.[i] ?? 0) * (x[k] ?? 0);
    x[i] = sum / (l[i]?.[i] ?? 1);
  }
  return x;
}

/**
 * Fit a logistic regression on standardised rows by Newton-Raphson (iteratively reweighted least
 * squares) with an L2 penalty on the weights (not the intercept). Returns [intercept, ...weights].
 */
export function fitLogistic(z: readonly Float64Array[], y: readonly number[], l2 = 1, iterations = 25): number[] {
  const d = (z[0]?.length ?? 0) + 1;
  let beta = new Array<number>(d).fill(0);
  for (let iter = 0; iter < iterations; iter++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < z.length; i++) {
      const row = z[i] as Float64Array;
      let eta = beta[0] ?? 0;
      for (let j = 1; j < d; j++) eta += (beta[j] ?? 0) * (row[j - 1] ?? 0);
      const p = 1 / (1 + Math.exp(-eta));
      const w = Math.max(p * (1 - p), 1e-9);
      const err = p - (y[i] ?? 0);
      for (let a = 0; a < d; a++) {
        const xa = a === 0 ? 1 : (row[a - 1] ?? 0);
        grad[a] = (grad[a] ?? 0) + err * xa;
        const ha = hess[a] as number[];
        for (let b = 0; b <= a; b++) ha[b] = (ha[b] ?? 0) + w * xa * (b === 0 ? 1 : (row[b - 1] ?? 0));
      }
    }
    for (let a = 1; a < d; a++) {
      grad[a] = (grad[a] ?? 0) + l2 * (beta[a] ?? 0);
      (hess[a] as number[])[a] = (hess[a]?.[a] ?? 0) + l2;
    }
    for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) (hess[a] as number[])[b] = hess[b]?.[a] ?? 0;
    const step = solveSpd(hess, grad);
    beta = beta.map((v, j) => v - (step[j] ?? 0));
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return beta;
}

/** What to train. */
export interface TrainRiskOptions {
  readonly tenantId: string;
  readonly version: string;
  /** Dataset seed (default: the version). */
  readonly seed?: string;
  /** Applicants generated; 80% train, 20% held out (default 20,000). */
  readonly rows?: number;
  /** Training time recorded in the metadata (default now). */
  readonly trainedAt?: Date;
}

/** A trained model, ready for the registry. */
export interface TrainedRiskModel {
  readonly onnx: Uint8Array;
  readonly metadata: RiskModelMetadata;
}

/** Train a tenant's risk model on the synthetic population, evaluate it on a held-out 20%, encode it as ONNX. */
export function trainRiskModel(options: TrainRiskOptions): TrainedRiskModel {
  const seed = options.seed ?? options.version;
  const rows = options.rows ?? 20_000;
  const data = generateApplicants(options.tenantId, seed, rows);
  const shuffle = seededRandom(`split:${seed}`);
  const order = data.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const cut = Math.floor(rows * 0.8);
  const raw = (i: number): number[] => RISK_FEATURES.map((f) => transformFeature(data[i]?.features[f.name] ?? 0, f.transform));
  const trainIdx = order.slice(0, cut);
  const testIdx = order.slice(cut);
  const f = RISK_FEATURES.length;
  const mean = new Array<number>(f).fill(0);
  const sq = new Array<number>(f).fill(0);
  for (const i of trainIdx) raw(i).forEach((v, j) => (mean[j] = (mean[j] ?? 0) + v));
  mean.forEach((m, j) => (mean[j] = m / trainIdx.length));
  for (const i of trainIdx) raw(i).forEach((v, j) => (sq[j] = (sq[j] ?? 0) + (v - (mean[j] ?? 0)) ** 2));
  const std = sq.map((s) => Math.sqrt(s / trainIdx.length) || 1);
  const standardise = (i: number): Float64Array => Float64Array.from(raw(i), (v, j) => (v - (mean[j] ?? 0)) / (std[j] ?? 1));
  const label = (i: number): number => data[i]?.defaulted ?? 0;
  const beta = fitLogistic(trainIdx.map(standardise), trainIdx.map(label));
  const predict = (i: number): number => {
    const z = standardise(i);
    let eta = beta[0] ?? 0;
    z.forEach((v, j) => (eta += (beta[j + 1] ?? 0) * v));
    return 1 / (1 + Math.exp(-eta));
  };
  const testScores = testIdx.map(predict);
  const testLabels = testIdx.map(label);
  const logLoss = -testScores.reduce((s, p, k) => s + (testLabels[k] ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12))), 0) / testScores.length;
  const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;
  const metadata: RiskModelMetadata = {
    modelName: 'risk-scoring',
    format: 'metis-logistic-v1',
    tenantId: options.tenantId,
    version: options.version,
    trainedAt: (options.trainedAt ?? new Date()).toISOString(),
    features: RISK_FEATURES.map((feat, j) => ({
      name: feat.name,
      description: feat.description,
      transform: feat.transform,
      mean: Math.fround(mean[j] ?? 0),
      std: Math.fround(std[j] ?? 1),
      weight: Math.fround(beta[j + 1] ?? 0),
    })),
    intercept: Math.fround(beta[0] ?? 0),
    categories: DEFAULT_RISK_CATEGORIES,
    metrics: {
      testAuc: r4(rocAuc(testScores, testLabels)),
      trainAuc: r4(rocAuc(trainIdx.map(predict), trainIdx.map(label))),
      testLogLoss: r4(logLoss),
      trainRows: trainIdx.length,
      testRows: testIdx.length,
      positiveRate: r4(data.reduce((s, a) => s + a.defaulted, 0) / rows),
    },
    dataset: { name: SYNTHETIC_DATASET, seed, rows },
    onnx: {
      input: LOGISTIC_TENSORS.input,
      outputs: { probability: LOGISTIC_TENSORS.probability, logit: LOGISTIC_TENSORS.logit, contributions: LOGISTIC_TENSORS.contributions },
      opset: 13,
    },
  };
  return { onnx: buildLogisticOnnx(metadata), metadata };
}
