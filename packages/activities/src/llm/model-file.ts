import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { GgufInsights, readGgufFileInfo } from 'node-llama-cpp';
import { loadNativeModule } from '../native-modules.ts';
import { LlmModelError } from './errors.ts';

/** What Metis needs to know about a GGUF model before loading it. */
export interface ModelFileInfo {
  /** Path of the file. */
  readonly path: string;
  /** `general.name`, or the file name. */
  readonly name: string;
  /** `general.architecture`, e.g. `llama`. */
  readonly architecture: string;
  /** File size in bytes. */
  readonly fileBytes: number;
  /** Number of weights. */
  readonly parameters: number;
  /** Transformer blocks. */
  readonly layers: number;
  /** Context length the model was trained for. */
  readonly trainContextSize: number;
  /** KV-cache bytes one token of context takes (f16 keys and values, every layer). */
  readonly kvBytesPerToken: number;
  /** Whether the file carries a chat template (`tokenizer.chat_template`). */
  readonly hasChatTemplate: boolean;
}

const HINT = 'Point the LLM model path at a GGUF file (for tests, `ensureGeneratedModel()` of @metis/testing writes a small one)';

async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(8);
    const { bytesRead } = await file.read(head, 0, 8, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

/**
 * Check that a model file exists, is GGUF, and holds all its tensor data; describe it.
 * Throw `LlmModelError` (`LLM_MODEL_MISSING` or `LLM_MODEL_CORRUPT`) otherwise, before any load.
 */
export async function inspectModelFile(path: string): Promise<ModelFileInfo> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new LlmModelError('LLM_MODEL_MISSING', path, `LLM model ${path} is not a file`, { hint: HINT });
    size = s.size;
  } catch (error) {
    if (error instanceof LlmModelError) throw error;
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new LlmModelError('LLM_MODEL_MISSING', path, `LLM model file ${path} is missing or unreadable (${code})`, { hint: HINT, cause: error });
  }
  const head = await readHead(path);
  const magic = new TextDecoder().decode(head.subarray(0, 4));
  const version = head.byteLength >= 8 ? new DataView(head.buffer, head.byteOffset).getUint32(4, true) : 0;
  if (magic !== 'GGUF' || (version !== 2 && version !== 3)) {
    throw new LlmModelError('LLM_MODEL_CORRUPT', path, `LLM model file ${path} is not a GGUF v2/v3 file`, { hint: HINT });
  }
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  let insights: GgufInsights;
  const lib = await loadNativeModule('node-llama-cpp');
  try {
    info = await lib.readGgufFileInfo(path, { logWarnings: false, sourceType: 'filesystem', spliceSplitFiles: false });
    insights = await lib.GgufInsights.from(info);
  } catch (error) {
    throw new LlmModelError('LLM_MODEL_CORRUPT', path, `LLM model file ${path} has an unreadable GGUF header: ${(error as Error).message}`, { hint: HINT, cause: error });
  }
  const needed = (info.infoEndOffset ?? 0) + insights.modelSize;
  if (needed > size) {
    throw new LlmModelError('LLM_MODEL_CORRUPT', path, `LLM model file ${path} is truncated: its tensors need ${needed} bytes, the file has ${size}`, { hint: HINT });
  }
  const arch = info.architectureMetadata as Record<string, unknown> & { attention?: Record<string, unknown> };
  const meta = info.metadata as { general?: { name?: string; architecture?: string }; tokenizer?: { chat_template?: string } };
  const layers = num(arch['block_count']) ?? insights.totalLayers;
  const embedding = num(arch['embedding_length']) ?? 0;
  const heads = num(arch.attention?.['head_count']) ?? 1;
  const kvHeads = num(arch.attention?.['head_count_kv']) ?? heads;
  const keyLength = num(arch.attention?.['key_length']) ?? embedding / heads;
  const valueLength = num(arch.attention?.['value_length']) ?? embedding / heads;
  return {
    path,
    name: meta.general?.name ?? basename(path),
    architecture: meta.general?.architecture ?? 'unknown',
    fileBytes: size,
    parameters: insights.totalParameters,
    layers,
    trainContextSize: insights.trainContextSize ?? num(arch['context_length']) ?? 2048,
    kvBytesPerToken: 2 * layers * kvHeads * (keyLength + valueLength),
    hasChatTemplate: typeof meta.tokenizer?.chat_template === 'string',
  };
}
