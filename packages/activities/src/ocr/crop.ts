import type { RotatedRect } from './geometry.ts';
import type { RgbImage } from './image-input.ts';

/** Where to write one sampled line in a batch tensor of shape [batch, 3, height, stride]. */
export interface TensorSlot {
  readonly tensor: Float32Array;
  readonly index: number;
  readonly height: number;
  readonly stride: number;
}

/**
 * Sample a rotated rectangle of the image into a `width`×`slot.height` strip, upright (or turned
 * 180° when `flip`), with bilinear interpolation and box supersampling when shrinking. Writes BGR
 * planes normalised to [-1, 1] (PP-OCR recognition and direction inputs) into the slot and returns
 * the strip's luminance (0-255) for layout analysis.
 */
export function sampleRect(image: RgbImage, rect: RotatedRect, width: number, slot: TensorSlot, flip = false): Float32Array {
  const { width: iw, height: ih, data } = image;
  const H = slot.height;
  const su = rect.w / width;
  const sv = rect.h / H;
  const k = Math.max(1, Math.min(4, Math.ceil(Math.max(su, sv) - 0.2)));
  const sign = flip ? -1 : 1;
  const ex = Math.cos(rect.angle) * sign;
  const ey = Math.sin(rect.angle) * sign;
  // Origin: the top-left corner in reading direction.
  const ox = rect.cx - (ex * rect.w) / 2 + (ey * rect.h) / 2;
  const oy = rect.cy - (ey * rect.w) / 2 - (ex * rect.h) / 2;
  const plane = H * slot.stride;
  const base = slot.index * 3 * plane;
  const t = slot.tensor;
  const grey = new Float32Array(width * H);
  const inv = 1 / (k * k);
  for (let row = 0; row < H; row++) {
    for (let col = 0; col < width; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let a = 0; a < k; a++) {
        const v = (row + (a + 0.5) / k) * sv;
        for (let c = 0; c < k; c++) {
          const u = (col + (c + 0.5) / k) * su;
          const x = ox + u * ex - v * ey - 0.5;
          const y = oy + u * ey + v * ex - 0.5;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          const xa = x0 < 0 ? 0 : x0 >= iw ? iw - 1 : x0;
          const xb = x0 + 1 < 0 ? 0 : x0 + 1 >= iw ? iw - 1 : x0 + 1;
          const ya = y0 < 0 ? 0 : y0 >= ih ? ih - 1 : y0;
          const yb = y0 + 1 < 0 ? 0 : y0 + 1 >= ih ? ih - 1 : y0 + 1;
          const p00 = (ya * iw + xa) * 3;
          const p01 = (ya * iw + xb) * 3;
          const p10 = (yb * iw + xa) * 3;
          const p11 = (yb * iw + xb) * 3;
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          r += (data[p00] ?? 0) * w00 + (data[p01] ?? 0) * w01 + (data[p10] ?? 0) * w10 + (data[p11] ?? 0) * w11;
          g += (data[p00 + 1] ?? 0) * w00 + (data[p01 + 1] ?? 0) * w01 + (data[p10 + 1] ?? 0) * w10 + (data[p11 + 1] ?? 0) * w11;
          b += (data[p00 + 2] ?? 0) * w00 + (data[p01 + 2] ?? 0) * w01 + (data[p10 + 2] ?? 0) * w10 + (data[p11 + 2] ?? 0) * w11;
        }
      }
      r *= inv;
      g *= inv;
      b *= inv;
      const o = base + row * slot.stride + col;
      t[o] = b / 127.5 - 1;
      t[o + plane] = g / 127.5 - 1;
      t[o + 2 * plane] = r / 127.5 - 1;
      grey[row * width + col] = 0.299 * r + 0.587 * g + 0.114 * b;
    }
  }
  return grey;
}
