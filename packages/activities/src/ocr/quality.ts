import type { RgbImage } from './image-input.ts';

/** Image quality measurements, in the units the `image_quality` rule expects. */
export interface ImageQuality {
  /** Blur estimate in [0, 1]: 0 is sharp, 1 fully blurred (from the variance of the Laplacian). */
  readonly blurScore: number;
  /** Mean luminance in [0, 1]: 0 is black, 1 white. */
  readonly brightnessScore: number;
  /** Variance of the 4-neighbour Laplacian of the luminance at ≤ 1024 px on the long side. */
  readonly laplacianVariance: number;
}

/**
 * Variance of the Laplacian at which the blur score is 0.5. Calibrated on generated documents:
 * in-focus photos score 0.05-0.3, a Gaussian blur of sigma 2.5 px at ~1000 px wide about 0.7.
 */
export const LAPLACIAN_HALF_POINT = 30;

/** Measure blur and brightness of an image. */
export function measureQuality(image: RgbImage): ImageQuality {
  const { width, height, data } = image;
  const f = Math.max(1, Math.ceil(Math.max(width, height) / 1024));
  const w = Math.floor(width / f);
  const h = Math.floor(height / f);
  const grey = new Float32Array(w * h);
  let sum = 0;
  const norm = 1 / (f * f);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let dy = 0; dy < f; dy++) {
        let p = ((y * f + dy) * width + x * f) * 3;
        for (let dx = 0; dx < f; dx++, p += 3) acc += 0.299 * (data[p] ?? 0) + 0.587 * (data[p + 1] ?? 0) + 0.114 * (data[p + 2] ?? 0);
      }
      const v = acc * norm;
      grey[y * w + x] = v;
      sum += v;
    }
  }
  let lapSum = 0;
  let lapSq = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = (grey[i - 1] ?? 0) + (grey[i + 1] ?? 0) + (grey[i - w] ?? 0) + (grey[i + w] ?? 0) - 4 * (grey[i] ?? 0);
      lapSum += lap;
      lapSq += lap * lap;
      n++;
    }
  }
  const mean = n ? lapSum / n : 0;
  const variance = n ? Math.max(0, lapSq / n - mean * mean) : 0;
  const blur = 1 / (1 + variance / LAPLACIAN_HALF_POINT);
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return { blurScore: round(blur), brightnessScore: round(w * h ? sum / (w * h) / 255 : 0), laplacianVariance: round(variance) };
}
