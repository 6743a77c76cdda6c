import { tensorByteSize, Q4_0_BLOCK_BYTES, Q8_0_BLOCK_BYTES } from './gguf-writer.ts';
import type { GgufTensor } from './gguf-writer.ts';
import { mulberry32 } from '../../mulberry32.ts';

/** Encoding of a generated model's weight matrices. */
export type GeneratedWeightType = 'q8_0' | 'q4_0' | 'f16';

/** Convert a float to IEEE 754 half-precision bits. */
export function toHalfBits(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant = (mant | 0x800000) >>> (1 - e);
    return sign | ((mant + 0x1000) >>> 13);
  }
  const rounded = mant + 0x1000;
  if (rounded & 0x800000) {
    mant = 0;
    e += 1;
    if (e >= 0x1f) return sign | 0x7c00;
  } else mant = rounded;
  return sign | (e << 10) | (mant >>> 13);
}

/** Derive a per-tensor seed from its name, so tensors do not depend on the order they are written in. */
export function hashName(name: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Encode one row of floats as `type` into `out` at `at`, the way llama.cpp's reference quantizers do. */
export function encodeRow(values: Float32Array, type: GeneratedWeightType, out: DataView, at: number): void {
  if (type === 'f16') {
    values.forEach((v, i) => out.setUint16(at + 2 * i, toHalfBits(v), true));
    return;
  }
  const blockBytes = type === 'q8_0' ? Q8_0_BLOCK_BYTES : Q4_0_BLOCK_BYTES;
  for (let b = 0; b < values.length / 32; b++) {
    const block = values.subarray(32 * b, 32 * b + 32);
    const base = at + b * blockBytes;
    if (type === 'q8_0') {
      const amax = block.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const d = amax / 127;
      out.setUint16(base, toHalfBits(d), true);
      block.forEach((v, i) => out.setInt8(base + 2 + i, d ? Math.round(v / d) : 0));
    } else {
      // Q4_0: the value of largest magnitude maps to -8; each byte packs element j (low) and j + 16 (high).
      const max = block.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      const d = max / -8;
      const q = (v: number): number => Math.min(15, Math.max(0, Math.round(d ? v / d : 0) + 8));
      out.setUint16(base, toHalfBits(d), true);
      for (let j = 0; j < 16; j++) out.setUint8(base + 2 + j, q(block[j] ?? 0) | (q(block[j + 16] ?? 0) << 4));
    }
  }
}

const CHUNK_BYTES = 1 << 20;
// Standard deviation of a byte mapped uniformly to [-127, 127], and of a nibble mapped to [-8, 7].
const INT8_STD = 127 / Math.sqrt(3);
const INT4_STD = Math.sqrt((16 * 16 - 1) / 12);

/**
 * A weight matrix of `rows` rows of `cols` values with deterministic uniform random weights of
 * standard deviation `std`, drawn straight in the quantized domain (fast for hundreds of millions
 * of weights). `rowValues` may replace chosen rows with exact values, which are quantized properly.
 */
export function randomMatrix(
  name: string,
  dims: readonly [cols: number, rows: number],
  type: GeneratedWeightType,
  std: number,
  seed: number,
  rowValues?: (row: number, random: () => number) => Float32Array | undefined,
): GgufTensor {
  const [cols, rows] = dims;
  return {
    name,
    dims,
    type,
    *data() {
      const next = mulberry32(hashName(name, seed));
      const rowBytes = tensorByteSize([cols, 1], type);
      const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
      const scale = std / (type === 'q4_0' ? INT4_STD : INT8_STD);
      const scaleBits = toHalfBits(scale);
      const halfOf = new Uint16Array(256);
      for (let q = -127; q <= 127; q++) halfOf[q & 0xff] = toHalfBits(q * scale);
      for (let first = 0; first < rows; first += rowsPerChunk) {
        const count = Math.min(rowsPerChunk, rows - first);
        const chunk = new Uint8Array(count * rowBytes);
        const view = new DataView(chunk.buffer);
        for (let r = 0; r < count; r++) {
          const base = r * rowBytes;
          const exact = rowValues?.(first + r, next);
          if (exact) encodeRow(exact, type, view, base);
          else if (type === 'q8_0') {
            for (let b = 0; b < cols / 32; b++) {
              const at = base + b * Q8_0_BLOCK_BYTES;
              view.setUint16(at, scaleBits, true);
              for (let i = 0; i < 32; i += 4) {
                const bits = next();
                for (let k = 0; k < 4; k++) {
                  const v = ((bits >>> (8 * k)) & 0xff) - 128;
                  chunk[at + 2 + i + k] = (v < -127 ? -127 : v) & 0xff;
                }
              }
            }
          } else if (type === 'q4_0') {
            // Each byte holds two 4-bit values (stored as value + 8); random bytes are uniform nibbles.
            for (let b = 0; b < cols / 32; b++) {
              const at = base + b * Q4_0_BLOCK_BYTES;
              view.setUint16(at, scaleBits, true);
              for (let i = 0; i < 16; i += 4) view.setUint32(at + 2 + i, next(), true);
            }
          } else {
            for (let i = 0; i < cols; i += 4) {
              const bits = next();
              for (let k = 0; k < 4; k++) {
                const v = ((bits >>> (8 * k)) & 0xff) - 128;
                view.setUint16(base + 2 * (i + k), halfOf[(v < -127 ? -127 : v) & 0xff] ?? 0, true);
              }
            }
          }
        }
        yield chunk;
      }
    },
  };
}

/** Return `count` uniform random values of standard deviation `std` from a word generator. */
export function uniformValues(count: number, std: number, random: () => number): Float32Array {
  const half = std * Math.sqrt(3);
  return Float32Array.from({ length: count }, () => (random() / 0xffffffff) * 2 * half - half);
}
