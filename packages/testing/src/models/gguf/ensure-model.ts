import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateLlamaGguf, GENERATED_MODEL_SHAPES } from './generate-llama-gguf.ts';
import type { GeneratedModelPreset, GeneratedWeightType } from './generate-llama-gguf.ts';

/** Options of `ensureGeneratedModel`. */
export interface EnsureModelOptions {
  /** Shape: `tiny` (tests, ~0.1 M parameters), `small` (~3.5 M), `bench` (~270 M); default `tiny`. */
  readonly preset?: GeneratedModelPreset;
  /** Weight encoding (default `q8_0`). */
  readonly weightType?: GeneratedWeightType;
  /** Seed of the weights (default 1). */
  readonly seed?: number;
  /** Directory of generated models (default `$METIS_HOME/models`, else `.metis/models`). */
  readonly dir?: string;
}

/** Return the default directory of generated models, which is never committed. */
export function generatedModelsDir(): string {
  const home = process.env['METIS_HOME'];
  return home ? join(home, 'models') : resolve('.metis', 'models');
}

/**
 * Return the path of a generated GGUF model, writing it first when it is not there yet. The name
 * records shape, encoding and seed, so a file is reused only for the same model. Its text is
 * meaningless: it is for tests, demos and benchmarks of the real llama.cpp runtime.
 */
export async function ensureGeneratedModel(options: EnsureModelOptions = {}): Promise<string> {
  const preset = options.preset ?? 'tiny';
  if (!(preset in GENERATED_MODEL_SHAPES)) throw new RangeError(`unknown model preset ${JSON.stringify(preset)}`);
  const weightType = options.weightType ?? 'q8_0';
  const seed = options.seed ?? 1;
  const dir = options.dir ?? generatedModelsDir();
  const path = join(dir, `metis-${preset}-${weightType}-seed${seed}.gguf`);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isFile() && existing.size > 0) return path;
  await mkdir(dir, { recursive: true });
  await generateLlamaGguf({ path, shape: preset, weightType, seed, name: `metis-generated-${preset}` });
  return path;
}
