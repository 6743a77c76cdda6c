import { createPrng } from './prng.ts';
import type { NoiseSettings } from './scene.ts';

/** Raw interleaved RGB pixels. */
export interface RawRgb {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

type Point = readonly [number, number];

/** Solve the homography mapping each `from` point onto its `to` point (8 unknowns, h33 = 1). */
function homography(from: readonly Point[], to: readonly Point[]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i] as Point;
    const [u, v] = to[i] as Point;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]?.[c] ?? 0) > Math.abs(a[pivot]?.[c] ?? 0)) pivot = r;
    [a[c], a[pivot]] = [a[pivot] as number[], a[c] as number[]];
    const row = a[c] as number[];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const other = a[r] as number[];
      const k = (other[c] ?? 0) / (row[c] ?? 1);
      for (let j = c; j < 9; j++) other[j] = (other[j] ?? 0) - k * (row[j] ?? 0);
    }
  }
  return [...a.map((row, i) => (row[8] ?? 0) / (row[i] ?? 1)), 1];
}

/** Tilt the camera: the named edge recedes, the opposite edge stays; pixels beyond the scene repeat its border. */
export function warpPerspective(image: RawRgb, perspective: NonNullable<NoiseSettings['perspective']>): RawRgb {
  const { width: w, height: h, data } = image;
  const a = perspective.amount;
  const out: Point[] = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
  // Where each output corner samples the scene: a receding edge covers more of it, so it looks shorter.
  const src: Point[] = {
    top: [[-a * w, 0], [w + a * w, 0], [w, h], [0, h]] as Point[],
    bottom: [[0, 0], [w, 0], [w + a * w, h], [-a * w, h]] as Point[],
    left: [[0, -a * h], [w, 0], [w, h], [0, h + a * h]] as Point[],
    right: [[0, 0], [w, -a * h], [w, h + a * h], [0, h]] as Point[],
  }[perspective.edge];
  const m = homography(out, src);
  const [m0, m1, m2, m3, m4, m5, m6, m7] = m as [number, number, number, number, number, number, number, number];
  const result = new Uint8Array(w * h * 3);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const d = m6 * u + m7 * v + 1;
      const x = Math.min(w - 1.001, Math.max(0, (m0 * u + m1 * v + m2) / d));
      const y = Math.min(h - 1.001, Math.max(0, (m3 * u + m4 * v + m5) / d));
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const p00 = (y0 * w + x0) * 3;
      const p10 = p00 + 3;
      const p01 = p00 + w * 3;
      const p11 = p01 + 3;
      const o = (v * w + u) * 3;
      for (let c = 0; c < 3; c++) {
        const top = (data[p00 + c] ?? 0) * (1 - fx) + (data[p10 + c] ?? 0) * fx;
        const bottom = (data[p01 + c] ?? 0) * (1 - fx) + (data[p11 + c] ?? 0) * fx;
        result[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { width: w, height: h, data: result };
}

/** Expose the sensor: scale and lift every channel, add seeded Gaussian grey noise, clamp to 0-255. */
export function expose(image: RawRgb, exposure: NonNullable<NoiseSettings['exposure']>): RawRgb {
  const { gain, lift, noise } = exposure;
  const prng = createPrng(`sensor:${exposure.noiseSeed}`);
  const out = new Uint8Array(image.data.length);
  for (let p = 0; p < out.length; p += 3) {
    const n = noise > 0 ? prng.normal(0, noise) : 0;
    for (let c = 0; c < 3; c++) out[p + c] = Math.max(0, Math.min(255, Math.round(gain * (image.data[p + c] ?? 0) + lift * 255 + n)));
  }
  return { width: image.width, height: image.height, data: out };
}
