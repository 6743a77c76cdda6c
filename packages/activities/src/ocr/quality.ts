import type { RgbImage } from './image-input.ts';
import type { RotatedRect } from './geometry.ts';

/** Image quality measurements, in the units the `image_quality` rule expects. */
export interface ImageQuality {
  /** Blur estimate in [0, 1]: 0 is sharp, 1 fully blurred (from the variance of the Laplacian). */
  readonly blurScore: number;
  /** Mean luminance in [0, 1]: 0 is black, 1 white. */
  readonly brightnessScore: number;
  /** Luminance spread of the whole image in [0, 1]: its 98th minus its 2nd percentile. */
  readonly contrast: number;
  /** Variance of the 4-neighbour Laplacian of the luminance at ≤ 1024 px on the long side. */
  readonly laplacianVariance: number;
}

/**
 * Variance of the Laplacian at which the blur score is 0.5. Calibrated on generated documents:
 * in-focus photos score 0.05-0.3, a Gaussian blur of sigma 2.5 px at ~1000 px wide about 0.7.
 */
export const LAPLACIAN_HALF_POINT = 30;

/** Measure blur, brightness and contrast over the whole image. */
export function measureQuality(image: RgbImage): ImageQuality {
  const { width, height, data } = image;
  const f = Math.max(1, Math.ceil(Math.max(width, height) / 1024));
  const w = Math.floor(width / f);
  const h = Math.floor(height / f);
  const grey = new Float32Array(w * h);
  const histogram = new Uint32Array(256);
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
      const bin = Math.min(255, Math.round(v));
      histogram[bin] = (histogram[bin] ?? 0) + 1;
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
  const spread = (percentile(histogram, w * h, 0.98) - percentile(histogram, w * h, 0.02)) / 255;
  return { blurScore: round(blur), brightnessScore: round(w * h ? sum / (w * h) / 255 : 0), contrast: round(spread), laplacianVariance: round(variance) };
}

/** The smallest grey level at or below which a fraction `q` of `n` counted pixels lie. */
function percentile(histogram: Uint32Array, n: number, q: number): number {
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += histogram[i] ?? 0;
    if (acc >= q * n) return i;
  }
  return 255;
}

/** Readability measured over the text regions the detector found. */
export interface TextQuality {
  /** Text regions measured. */
  readonly regions: number;
  /** Ink-to-paper contrast in [0, 1]: the area-weighted median over regions of their luminance p95 − p5. */
  readonly textContrast: number;
  /** Mean luminance of the text regions in [0, 1] (median over regions): what the reader sees, whatever the table. */
  readonly brightnessScore: number;
  /** Blur estimate in [0, 1] from the text's edge sharpness, independent of exposure: 0 is sharp. */
  readonly blurScore: number;
  /** RMS of the Laplacian over the regions divided by their contrast (median over regions). */
  readonly edgeSharpness: number;
}

/**
 * Edge sharpness (RMS Laplacian / contrast) at which the text blur score is 0.5. Calibrated on
 * generated cards with 30 px text: in focus 0.3-0.4, Gaussian blur of sigma 1 px 0.15, 2 px
 * 0.08 (all still read exactly), 3 px 0.05, 4 px 0.035 (fields lost), 5 px 0.03 (nothing read).
 */
export const TEXT_SHARPNESS_HALF_POINT = 0.05;

function weightedMedian(values: readonly { v: number; w: number }[]): number {
  const sorted = [...values].sort((a, b) => a.v - b.v);
  const total = sorted.reduce((s, x) => s + x.w, 0);
  let acc = 0;
  for (const x of sorted) {
    acc += x.w;
    if (acc >= total / 2) return x.v;
  }
  return sorted.at(-1)?.v ?? 0;
}

/** Measure contrast, brightness and sharpness of an image inside text regions (rotated rectangles in image pixels). */
export function measureTextQuality(image: RgbImage, regions: readonly RotatedRect[]): TextQuality {
  const { width, height, data } = image;
  const heights = regions.map((r) => r.h).sort((a, b) => a - b);
  // Sample so that a text line is about 30 px high, whatever the photo's resolution.
  const f = Math.max(1, Math.round((heights[Math.floor(heights.length / 2)] ?? 0) / 30));
  const w = Math.floor(width / f);
  const h = Math.floor(height / f);
  const lum = (x: number, y: number): number => {
    let acc = 0;
    for (let dy = 0; dy < f; dy++) {
      let p = ((y * f + dy) * width + x * f) * 3;
      for (let dx = 0; dx < f; dx++, p += 3) acc += 0.299 * (data[p] ?? 0) + 0.587 * (data[p + 1] ?? 0) + 0.114 * (data[p + 2] ?? 0);
    }
    return acc / (f * f);
  };
  const contrast: { v: number; w: number }[] = [];
  const light: { v: number; w: number }[] = [];
  const sharp: { v: number; w: number }[] = [];
  const histogram = new Uint32Array(256);
  for (const r of regions) {
    const cx = r.cx / f;
    const cy = r.cy / f;
    const hw = r.w / f / 2;
    const hh = r.h / f / 2;
    if (hh < 3 || hw < hh) continue;
    const cos = Math.cos(r.angle);
    const sin = Math.sin(r.angle);
    const ex = Math.abs(hw * cos) + Math.abs(hh * sin);
    const ey = Math.abs(hw * sin) + Math.abs(hh * cos);
    const x0 = Math.max(1, Math.floor(cx - ex));
    const x1 = Math.min(w - 2, Math.ceil(cx + ex));
    const y0 = Math.max(1, Math.floor(cy - ey));
    const y1 = Math.min(h - 2, Math.ceil(cy + ey));
    histogram.fill(0);
    let n = 0;
    let sum = 0;
    let lapSq = 0;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const u = (x - cx) * cos + (y - cy) * sin;
        const v = -(x - cx) * sin + (y - cy) * cos;
        if (Math.abs(u) > hw || Math.abs(v) > hh) continue;
        const g = lum(x, y);
        const lap = lum(x - 1, y) + lum(x + 1, y) + lum(x, y - 1) + lum(x, y + 1) - 4 * g;
        const bin = Math.min(255, Math.round(g));
        histogram[bin] = (histogram[bin] ?? 0) + 1;
        sum += g;
        lapSq += lap * lap;
        n++;
      }
    }
    if (n < 50) continue;
    const range = percentile(histogram, n, 0.95) - percentile(histogram, n, 0.05);
    contrast.push({ v: range / 255, w: n });
    light.push({ v: sum / n / 255, w: n });
    sharp.push({ v: Math.sqrt(lapSq / n) / Math.max(8, range), w: n });
  }
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  const edgeSharpness = weightedMedian(sharp);
  return {
    regions: contrast.length,
    textContrast: round(weightedMedian(contrast)),
    brightnessScore: round(weightedMedian(light)),
    blurScore: contrast.length ? round(1 / (1 + (edgeSharpness / TEXT_SHARPNESS_HALF_POINT) ** 2)) : 1,
    edgeSharpness: round(edgeSharpness),
  };
}

/** Text regions needed before the text measures are trusted; with fewer, the whole image is measured. */
export const MIN_TEXT_REGIONS = 4;

/** The quality scores the `image_quality` rule judges a document by, and where they were measured. */
export interface Readability {
  /** `text` when measured over the detected text regions, `image` (too little text found) over the whole image. */
  readonly scope: 'text' | 'image';
  readonly textRegions: number;
  readonly textContrast: number;
  readonly blurScore: number;
  readonly brightnessScore: number;
  readonly laplacianVariance: number;
}

/**
 * Measure how readable an image is: contrast, blur and brightness over the text regions when at
 * least `MIN_TEXT_REGIONS` were detected, else over the whole image (its contrast the luminance
 * spread), so that a table, a white background or a glare outside the text never counts.
 */
export function measureReadability(image: RgbImage, regions: readonly RotatedRect[]): Readability {
  const whole = measureQuality(image);
  const text = regions.length >= MIN_TEXT_REGIONS ? measureTextQuality(image, regions) : undefined;
  if (text && text.regions >= MIN_TEXT_REGIONS) {
    return { scope: 'text', textRegions: text.regions, textContrast: text.textContrast, blurScore: text.blurScore, brightnessScore: text.brightnessScore, laplacianVariance: whole.laplacianVariance };
  }
  return { scope: 'image', textRegions: text?.regions ?? regions.length, textContrast: whole.contrast, blurScore: whole.blurScore, brightnessScore: whole.brightnessScore, laplacianVariance: whole.laplacianVariance };
}
