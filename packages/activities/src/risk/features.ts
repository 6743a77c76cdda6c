import type { FeatureTransform } from './types.ts';

/** Apply a feature's declared transform to its raw value, as training did. */
export function transformFeature(value: number, transform: FeatureTransform): number {
  return transform === 'log1p' ? Math.log1p(Math.max(0, value)) : value;
}

/** Return the raw value whose transform is `transformed` (the inverse of `transformFeature`). */
export function rawFeatureValue(transformed: number, transform: FeatureTransform): number {
  return transform === 'log1p' ? Math.expm1(transformed) : transformed;
}
