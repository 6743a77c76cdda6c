import { encodeOnnxModel } from './onnx-builder.ts';
import type { RiskModelMetadata } from '@metis/activities/risk';

/** Tensor names of the logistic risk graph. */
export const LOGISTIC_TENSORS = { input: 'features', probability: 'probability', logit: 'logit', contributions: 'contributions' } as const;

/**
 * Build the ONNX graph of a standardised logistic regression:
 * `z = (x - mean) / std`, `contributions = z * w` ([N, F]),
 * `logit = ReduceSum(contributions, axis 1) + intercept` ([N, 1]), `probability = Sigmoid(logit)`.
 * Feature transforms (`log1p`) are applied by the caller before the graph, as the metadata says.
 */
export function buildLogisticOnnx(meta: Pick<RiskModelMetadata, 'features' | 'intercept' | 'version' | 'tenantId'>): Uint8Array {
  const f = meta.features.length;
  return encodeOnnxModel({
    graphName: 'metis_risk_logistic',
    producer: 'metis',
    producerVersion: '1',
    docString: `Metis risk scoring model ${meta.tenantId}/${meta.version}: standardised logistic regression.`,
    opset: 13,
    inputs: [{ name: LOGISTIC_TENSORS.input, dims: ['batch', f] }],
    outputs: [
      { name: LOGISTIC_TENSORS.probability, dims: ['batch', 1] },
      { name: LOGISTIC_TENSORS.logit, dims: ['batch', 1] },
      { name: LOGISTIC_TENSORS.contributions, dims: ['batch', f] },
    ],
    initializers: [
      { name: 'mean', dims: [f], type: 'float', values: meta.features.map((x) => x.mean) },
      { name: 'std', dims: [f], type: 'float', values: meta.features.map((x) => x.std) },
      { name: 'weights', dims: [f], type: 'float', values: meta.features.map((x) => x.weight) },
      { name: 'intercept', dims: [1], type: 'float', values: [meta.intercept] },
      { name: 'sum_axes', dims: [1], type: 'int64', values: [1] },
    ],
    nodes: [
      { op: 'Sub', inputs: [LOGISTIC_TENSORS.input, 'mean'], outputs: ['centred'], name: 'centre' },
      { op: 'Div', inputs: ['centred', 'std'], outputs: ['standardised'], name: 'scale' },
      { op: 'Mul', inputs: ['standardised', 'weights'], outputs: [LOGISTIC_TENSORS.contributions], name: 'contribute' },
      { op: 'ReduceSum', inputs: [LOGISTIC_TENSORS.contributions, 'sum_axes'], outputs: ['weighted_sum'], name: 'sum', intAttributes: { keepdims: 1 } },
      { op: 'Add', inputs: ['weighted_sum', 'intercept'], outputs: [LOGISTIC_TENSORS.logit], name: 'bias' },
      { op: 'Sigmoid', inputs: [LOGISTIC_TENSORS.logit], outputs: [LOGISTIC_TENSORS.probability], name: 'squash' },
    ],
    metadata: { tenant_id: meta.tenantId, version: meta.version, format: 'metis-logistic-v1' },
  });
}
