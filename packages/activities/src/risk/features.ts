import type { FeatureTransform } from './types.ts';

/** Apply a feature's declared transform to its raw value, as training did. */
export function transformFeature(value: number, transform: FeatureTransform): number {
  return transform === 'log1p' ? Math.log1p(Math.max(0, value)) : value;
}
