import { open, rename, rm } from 'node:fs/promises';

/** A metadata value with the GGUF type it is written as. */
export type GgufValue =
  | { readonly type: 'u32'; readonly value: number }
  | { readonly type: 'i32'; readonly value: number }
  | { readonly type: 'f32'; readonly value: number }
  | { readonly type: 'u64'; readonly value: bigint }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'array'; readonly of: 'string'; readonly values: readonly string[] }
  | { readonly type: 'array'; readonly of: 'f32' | 'i32' | 'u32'; readonly values: readonly number[] };

/** Tensor element types the writer knows. */
export type GgmlTensorType = 'f32' | 'f16' | 'q8_0' | 'q4_0';

/** One tensor: its shape (innermost dimension first) and a source of its bytes, row by row. */
export interface GgufTensor {
  /** Tensor name, e.g. `blk.0.attn_q.weight`. */
  readonly name: string;
  /** Dimensions, innermost (row length) first. */
  readonly dims: readonly number[];
  /** Element type. */
  readonly type: GgmlTensorType;
  /** Yield the tensor's encoded bytes in order; their total must equal `tensorByteSize`. */
  readonly data: () => Iterable<Uint8Array>;
}

/** What a GGUF file holds. */
export interface GgufContents {
  /** Key/values in file order. */
  readonly metadata: ReadonlyArray<readonly [string, GgufValue]>;
  /** Tensors in file order. */
  readonly tensors: readonly GgufTensor[];
}

const VALUE_TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10 } as const;
const TENSOR_TYPE: Record<GgmlTensorType, number> = { f32: 0, f16: 1, q4_0: 2, q8_0: 8 };
/** Bytes per Q8_0 block of 32 values: an f16 scale and 32 signed bytes. */
export const Q8_0_BLOCK_BYTES = 34;
/** Bytes per Q4_0 block of 32 values: an f16 scale and 16 bytes of 4-bit values. */
export const Q4_0_BLOCK_BYTES = 18;
const ALIGNMENT = 32;

/** Return the encoded size in bytes of a tensor of this shape and type. */
export function tensorByteSize(dims: readonly number[], type: GgmlTensorType): number {
  const count = dims.reduce((a, b) => a * b, 1);
  if (type === 'f32') return count * 4;
  if (type === 'f16') return count * 2;
  if ((dims[0] ?? 0) % 32 !== 0) throw new RangeError(`${type} rows must be a multiple of 32 values, got ${dims[0]}`);
  return (count / 32) * (type === 'q8_0' ? Q8_0_BLOCK_BYTES : Q4_0_BLOCK_BYTES);
}

class ByteSink {
  private parts: Uint8Array[] = [];
  private size = 0;

  bytes(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.byteLength;
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.bytes(b);
  }
  i32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    this.bytes(b);
  }
  f32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes(b);
  }
  u64(v: bigint | number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    this.bytes(b);
  }
  string(s: string): void {
    const encoded = new TextEncoder().encode(s);
    this.u64(encoded.byteLength);
    this.bytes(encoded);
  }
  get length(): number {
    return this.size;
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  sink.u32(VALUE_TYPE[value.type]);
  switch (value.type) {
    case 'u32':
      return sink.u32(value.value);
    case 'i32':
      return sink.i32(value.value);
    case 'f32':
      return sink.f32(value.value);
    case 'u64':
      return sink.u64(value.value);
    case 'bool':
      return sink.bytes(Uint8Array.of(value.value ? 1 : 0));
    case 'string':
      return sink.string(value.value);
    case 'array':
      sink.u32(VALUE_TYPE[value.of]);
      sink.u64(value.values.length);
      if (value.of === 'string') for (const s of value.values) sink.string(s);
      else if (value.of === 'f32') for (const n of value.values) sink.f32(n);
      else if (value.of === 'i32') for (const n of value.values) sink.i32(n);
      else for (const n of value.values) sink.u32(n);
      return;
  }
}

const padTo = (n: number, alignment: number): number => Math.ceil(n / alignment) * alignment;

/** Encode the header, metadata and tensor infos of a GGUF v3 file, padded to the data section. */
export function encodeGgufHeader(contents: GgufContents): Uint8Array {
  const sink = new ByteSink();
  sink.bytes(new TextEncoder().encode('GGUF'));
  sink.u32(3);
  sink.u64(contents.tensors.length);
  sink.u64(contents.metadata.length + 1);
  sink.string('general.alignment');
  writeValue(sink, { type: 'u32', value: ALIGNMENT });
  for (const [key, value] of contents.metadata) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const t of contents.tensors) {
    sink.string(t.name);
    sink.u32(t.dims.length);
    for (const d of t.dims) sink.u64(d);
    sink.u32(TENSOR_TYPE[t.type]);
    sink.u64(offset);
    offset = padTo(offset + tensorByteSize(t.dims, t.type), ALIGNMENT);
  }
  sink.bytes(new Uint8Array(padTo(sink.length, ALIGNMENT) - sink.length));
  return sink.concat();
}

/**
 * Write a GGUF v3 file: header, key/values, tensor infos, then every tensor's data aligned to 32 bytes.
 * The file appears under its name only once complete, so readers never see a partial model.
 */
export async function writeGguf(path: string, contents: GgufContents): Promise<{ bytes: number }> {
  const partial = `${path}.${process.pid}.${Date.now()}.partial`;
  const file = await open(partial, 'w');
  let written = 0;
  try {
    const header = encodeGgufHeader(contents);
    await file.write(header);
    written += header.byteLength;
    for (const t of contents.tensors) {
      const expected = tensorByteSize(t.dims, t.type);
      let size = 0;
      for (const chunk of t.data()) {
        await file.write(chunk);
        size += chunk.byteLength;
      }
      if (size !== expected) throw new RangeError(`tensor ${t.name} produced ${size} bytes, expected ${expected}`);
      const padding = padTo(size, ALIGNMENT) - size;
      if (padding) await file.write(new Uint8Array(padding));
      written += size + padding;
    }
    await file.close();
    await rename(partial, path);
    return { bytes: written };
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}
