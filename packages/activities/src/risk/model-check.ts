import type { InferenceSession } from 'onnxruntime-node';
import { loadNativeModule } from '../native-modules.ts';
import { RiskModelInvalidError } from './errors.ts';
import type { RiskModelMetadata } from './types.ts';

/** The logit the metadata predicts for transformed feature values (what the graph must compute). */
export function metadataLogit(metadata: RiskModelMetadata, transformed: readonly number[]): number {
  return metadata.features.reduce((sum, f, i) => sum + (f.weight * ((transformed[i] ?? 0) - f.mean)) / f.std, metadata.intercept);
}

/**
 * Load a model's ONNX bytes in onnxruntime and check that, on probe rows (the training mean and
 * one standard deviation either side of it per feature), its logits equal what its metadata says
 * and its contributions sum to `logit - intercept`. Throws `RiskModelInvalidError` otherwise.
 */
export async function checkRiskModel(model: { readonly onnx: Uint8Array; readonly metadata: RiskModelMetadata }): Promise<void> {
  const { metadata } = model;
  const where = `${metadata.tenantId}/${metadata.version}`;
  const { InferenceSession, Tensor } = await loadNativeModule('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(model.onnx);
  } catch (error) {
    throw new RiskModelInvalidError(where, 'onnxruntime cannot load it', error);
  }
  try {
    const f = metadata.features.length;
    const rows: number[][] = [metadata.features.map((x) => x.mean)];
    metadata.features.forEach((_, j) => {
      for (const sign of [-1, 1]) rows.push(metadata.features.map((x, k) => x.mean + (k === j ? sign * x.std : 0)));
    });
    const out = await session.run({ [metadata.onnx.input]: new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, f]) });
    const logits = out[metadata.onnx.outputs.logit]?.data;
    const probs = out[metadata.onnx.outputs.probability]?.data;
    const contributions = out[metadata.onnx.outputs.contributions]?.data;
    if (!(logits instanceof Float32Array) || !(probs instanceof Float32Array) || !(contributions instanceof Float32Array)) {
      throw new RiskModelInvalidError(where, 'the graph does not produce the outputs its metadata names');
    }
    rows.forEach((row, i) => {
      const want = metadataLogit(metadata, row);
      const got = logits[i] ?? NaN;
      let sum = 0;
      for (let j = 0; j < f; j++) sum += contributions[i * f + j] ?? 0;
      if (!(Math.abs(got - want) < 1e-3 && Math.abs(sum - (got - metadata.intercept)) < 1e-3 && Math.abs((probs[i] ?? NaN) - 1 / (1 + Math.exp(-got))) < 1e-4)) {
        throw new RiskModelInvalidError(where, `probe row ${i}: graph logit ${got}, metadata logit ${want}, contributions sum ${sum}`);
      }
    });
  } finally {
    await session.release();
  }
}
