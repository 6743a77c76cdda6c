import { convexHull, minAreaRect } from './geometry.ts';
import type { Point, RotatedRect } from './geometry.ts';

/** Parameters of differentiable-binarisation post-processing. */
export interface DbOptions {
  /** Probability above which a pixel counts as text (default 0.3). */
  readonly threshold?: number;
  /** Mean probability a region needs to be kept (default 0.6). */
  readonly boxThreshold?: number;
  /** How far to grow the shrunk text kernels back, as in DB's unclip ratio (default 1.6). */
  readonly unclipRatio?: number;
  /** Smallest short side kept, in map pixels (default 3). */
  readonly minSize?: number;
}

/** A text region found in the probability map, in map coordinates. */
export interface MapRegion {
  readonly rect: RotatedRect;
  /** Mean text probability over the region's pixels. */
  readonly score: number;
}

/**
 * Turn a DB probability map into text rectangles: threshold, 8-connected components, convex hull,
 * minimum-area rectangle, region score, then grow each rectangle by area × ratio / perimeter.
 */
export function dbPostprocess(prob: Float32Array, width: number, height: number, options: DbOptions = {}): MapRegion[] {
  const threshold = options.threshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.6;
  const unclipRatio = options.unclipRatio ?? 1.6;
  const minSize = options.minSize ?? 3;
  const n = width * height;
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) if ((prob[i] ?? 0) > threshold) label[i] = 1;
  const stack = new Int32Array(n);
  const rowMin = new Int32Array(height).fill(-1);
  const rowMax = new Int32Array(height);
  const regions: MapRegion[] = [];
  for (let start = 0; start < n; start++) {
    if (label[start] !== 1) continue;
    let top = 0;
    stack[top++] = start;
    label[start] = 2;
    let count = 0;
    let probSum = 0;
    let yMin = height;
    let yMax = -1;
    while (top > 0) {
      const i = stack[--top] as number;
      const y = (i / width) | 0;
      const x = i - y * width;
      count++;
      probSum += prob[i] ?? 0;
      if (rowMin[y] === -1) {
        rowMin[y] = x;
        rowMax[y] = x;
      } else {
        if (x < (rowMin[y] as number)) rowMin[y] = x;
        if (x > (rowMax[y] as number)) rowMax[y] = x;
      }
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (label[j] === 1) {
            label[j] = 2;
            stack[top++] = j;
          }
        }
      }
    }
    const points: Point[] = [];
    for (let y = yMin; y <= yMax; y++) {
      const lo = rowMin[y] as number;
      if (lo === -1) continue;
      const hi = (rowMax[y] as number) + 1;
      points.push({ x: lo, y }, { x: hi, y }, { x: lo, y: y + 1 }, { x: hi, y: y + 1 });
      rowMin[y] = -1;
    }
    if (count < 6) continue;
    const rect = minAreaRect(convexHull(points));
    if (Math.min(rect.w, rect.h) < minSize) continue;
    const score = probSum / count;
    if (score < boxThreshold) continue;
    const d = (rect.w * rect.h * unclipRatio) / (2 * (rect.w + rect.h));
    const grown = { ...rect, w: rect.w + 2 * d, h: rect.h + 2 * d };
    if (grown.h < minSize + 2) continue;
    regions.push({ rect: grown, score });
  }
  return regions;
}
