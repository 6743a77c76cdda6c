import { writeGguf } from './gguf-writer.ts';
import type { GgufTensor, GgufValue } from './gguf-writer.ts';
import { randomMatrix, uniformValues } from './weights.ts';
import type { GeneratedWeightType } from './weights.ts';

export type { GeneratedWeightType } from './weights.ts';

/** Shape of a generated llama-architecture model. */
export interface LlamaModelShape {
  /** Width of the residual stream (`llama.embedding_length`); a multiple of 32 and of `headCount`. */
  readonly embeddingLength: number;
  /** Transformer blocks (`llama.block_count`). */
  readonly blockCount: number;
  /** Attention heads (`llama.attention.head_count`). */
  readonly headCount: number;
  /** Key/value heads (`llama.attention.head_count_kv`), defaults to `headCount`. */
  readonly headCountKv?: number;
  /** Hidden width of the feed-forward block (`llama.feed_forward_length`); a multiple of 32. */
  readonly feedForwardLength: number;
  /** Longest context the model declares (`llama.context_length`). */
  readonly contextLength: number;
}

/** Generated model shapes: `tiny` for tests (about 0.1 M parameters), `bench` for throughput (about 270 M). */
export const GENERATED_MODEL_SHAPES = {
  tiny: { embeddingLength: 64, blockCount: 2, headCount: 4, feedForwardLength: 128, contextLength: 2048 },
  small: { embeddingLength: 256, blockCount: 4, headCount: 8, feedForwardLength: 768, contextLength: 2048 },
  bench: { embeddingLength: 1024, blockCount: 16, headCount: 16, feedForwardLength: 4096, contextLength: 2048 },
} as const satisfies Record<string, LlamaModelShape>;

/** Name of a generated model shape. */
export type GeneratedModelPreset = keyof typeof GENERATED_MODEL_SHAPES;

/** Options of `generateLlamaGguf`. */
export interface GenerateLlamaGgufOptions {
  /** Where to write the `.gguf` file. */
  readonly path: string;
  /** A named shape or an explicit one (default `tiny`). */
  readonly shape?: GeneratedModelPreset | LlamaModelShape;
  /** Seed of the deterministic weights (default 1): the same seed and shape give the same bytes. */
  readonly seed?: number;
  /** Weight encoding of the matrices (default `q8_0`; `q4_0` is llama.cpp's 4-bit format); norms are always f32. */
  readonly weightType?: GeneratedWeightType;
  /** `general.name` written into the file. */
  readonly name?: string;
  /** A Jinja chat template to embed (`tokenizer.chat_template`), to exercise chat formatting. */
  readonly chatTemplate?: string;
}

/** What `generateLlamaGguf` wrote. */
export interface GeneratedModel {
  /** Path of the file. */
  readonly path: string;
  /** File size in bytes. */
  readonly bytes: number;
  /** Number of weights. */
  readonly parameters: number;
  /** The shape used. */
  readonly shape: LlamaModelShape;
  /** Vocabulary size. */
  readonly vocabularySize: number;
}

const SPACE = '\u2581';
const SPECIAL = ['<unk>', '<s>', '</s>'] as const;
const BYTE_TOKENS = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
// Token types: 1 normal, 2 unknown, 3 control, 6 byte.
const VOCAB = [...SPECIAL, ...BYTE_TOKENS, SPACE];
const TOKEN_TYPES = [2, 3, 3, ...BYTE_TOKENS.map(() => 6), 1];

function ones(name: string, length: number): GgufTensor {
  return {
    name,
    dims: [length],
    type: 'f32',
    *data() {
      yield new Uint8Array(new Float32Array(length).fill(1).buffer);
    },
  };
}

function resolveShape(shape: GenerateLlamaGgufOptions['shape']): LlamaModelShape {
  const s: LlamaModelShape = typeof shape === 'string' || shape === undefined ? GENERATED_MODEL_SHAPES[shape ?? 'tiny'] : shape;
  const kv = s.headCountKv ?? s.headCount;
  if (s.embeddingLength % 32 || s.feedForwardLength % 32) throw new RangeError('embeddingLength and feedForwardLength must be multiples of 32');
  if (s.embeddingLength % s.headCount || s.headCount % kv) throw new RangeError('embeddingLength must divide into headCount heads, and headCount into headCountKv groups');
  if (((s.embeddingLength / s.headCount) * kv) % 32) throw new RangeError('the key/value width must be a multiple of 32');
  return s;
}

// The residual stream's first dimension is held at a constant: every token embedding sets it and
// no layer writes to it. Output rows that read only that dimension give their tokens a fixed, very
// negative logit, so the model never emits them: it writes printable ASCII (valid UTF-8, so string
// lengths mean the same to the JSON grammar and to JavaScript), and ends only when a grammar leaves
// nothing else.
const ANCHOR = 8;
const SUPPRESSED_LOGIT_WEIGHT = -16;
const emitted = (token: number): boolean => {
  if (token === VOCAB.length - 1) return true; // the space token
  const byte = token - SPECIAL.length;
  return byte === 0x0a || (byte >= 0x20 && byte < 0x7f);
};

/**
 * Write a small but real llama-architecture GGUF with deterministic weights and a byte-level
 * vocabulary, which llama.cpp loads and runs. Its output is meaningless text: it exists to
 * exercise the real runtime in tests, demos and benchmarks.
 */
export async function generateLlamaGguf(options: GenerateLlamaGgufOptions): Promise<GeneratedModel> {
  const shape = resolveShape(options.shape);
  const seed = options.seed ?? 1;
  const type = options.weightType ?? 'q8_0';
  const n = shape.embeddingLength;
  const ff = shape.feedForwardLength;
  const kvHeads = shape.headCountKv ?? shape.headCount;
  const headDim = n / shape.headCount;
  const nKv = headDim * kvHeads;
  const vocab = VOCAB.length;
  const u32 = (value: number): GgufValue => ({ type: 'u32', value });
  const metadata: Array<readonly [string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name ?? `metis-generated-${n}x${shape.blockCount}-seed${seed}` }],
    ['general.file_type', u32({ f16: 1, q4_0: 2, q8_0: 7 }[type])],
    ['llama.context_length', u32(shape.contextLength)],
    ['llama.embedding_length', u32(n)],
    ['llama.block_count', u32(shape.blockCount)],
    ['llama.feed_forward_length', u32(ff)],
    ['llama.attention.head_count', u32(shape.headCount)],
    ['llama.attention.head_count_kv', u32(kvHeads)],
    ['llama.rope.dimension_count', u32(headDim)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', u32(vocab)],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', values: VOCAB }],
    ['tokenizer.ggml.scores', { type: 'array', of: 'f32', values: VOCAB.map(() => 0) }],
    ['tokenizer.ggml.token_type', { type: 'array', of: 'i32', values: TOKEN_TYPES }],
    ['tokenizer.ggml.unknown_token_id', u32(0)],
    ['tokenizer.ggml.bos_token_id', u32(1)],
    ['tokenizer.ggml.eos_token_id', u32(2)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ...(options.chatTemplate === undefined ? [] : [['tokenizer.chat_template', { type: 'string', value: options.chatTemplate }] as const]),
  ];
  const residual = 0.5 / Math.sqrt(2 * shape.blockCount);
  const tensors: GgufTensor[] = [
    randomMatrix('token_embd.weight', [n, vocab], type, 1, seed, (_row, random) => {
      const values = uniformValues(n, 1, random);
      values[0] = ANCHOR;
      return values;
    }),
  ];
  for (let i = 0; i < shape.blockCount; i++) {
    const p = `blk.${i}`;
    tensors.push(
      ones(`${p}.attn_norm.weight`, n),
      randomMatrix(`${p}.attn_q.weight`, [n, n], type, 1 / Math.sqrt(n), seed),
      randomMatrix(`${p}.attn_k.weight`, [n, nKv], type, 1 / Math.sqrt(n), seed),
      randomMatrix(`${p}.attn_v.weight`, [n, nKv], type, 1 / Math.sqrt(n), seed),
      // Layers that add to the residual stream leave its first dimension alone (row 0 is zero).
      randomMatrix(`${p}.attn_output.weight`, [n, n], type, residual / Math.sqrt(n), seed, (row) => (row === 0 ? new Float32Array(n) : undefined)),
      ones(`${p}.ffn_norm.weight`, n),
      randomMatrix(`${p}.ffn_gate.weight`, [n, ff], type, 1 / Math.sqrt(n), seed),
      randomMatrix(`${p}.ffn_up.weight`, [n, ff], type, 1 / Math.sqrt(n), seed),
      randomMatrix(`${p}.ffn_down.weight`, [ff, n], type, residual / Math.sqrt(ff), seed, (row) => (row === 0 ? new Float32Array(ff) : undefined)),
    );
  }
  tensors.push(
    ones('output_norm.weight', n),
    randomMatrix('output.weight', [n, vocab], type, 4 / Math.sqrt(n), seed, (token) => {
      if (emitted(token)) return undefined;
      const values = new Float32Array(n);
      values[0] = SUPPRESSED_LOGIT_WEIGHT;
      return values;
    }),
  );
  const { bytes } = await writeGguf(options.path, { metadata, tensors });
  const parameters = tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
  return { path: options.path, bytes, parameters, shape, vocabularySize: vocab };
}
