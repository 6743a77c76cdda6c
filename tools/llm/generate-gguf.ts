// Write a generated llama-architecture GGUF model (real format, deterministic weights, byte-level
// vocabulary) for tests, demos and benchmarks. Its output is meaningless text.
//   bash scripts/node.sh tools/llm/generate-gguf.ts [--preset tiny|small|bench]
//        [--type q8_0|q4_0|f16] [--seed N] [--out FILE]
// Without --out it writes into .metis/models (never committed) and reuses a file already there.
import { parseArgs } from 'node:util';
import { ensureGeneratedModel, generateLlamaGguf, GENERATED_MODEL_SHAPES } from '@metis/testing';
import type { GeneratedModelPreset, GeneratedWeightType } from '@metis/testing';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'tiny' },
    type: { type: 'string', default: 'q8_0' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const preset = values.preset as GeneratedModelPreset;
const weightType = values.type as GeneratedWeightType;
const seed = Number(values.seed);
if (!(preset in GENERATED_MODEL_SHAPES)) throw new Error(`--preset must be one of ${Object.keys(GENERATED_MODEL_SHAPES).join(', ')}`);
if (!['q8_0', 'q4_0', 'f16'].includes(weightType)) throw new Error('--type must be q8_0, q4_0 or f16');
if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');

const started = performance.now();
if (values.out) {
  const model = await generateLlamaGguf({ path: values.out, shape: preset, weightType, seed, name: `metis-generated-${preset}` });
  console.log(`${model.path}: ${model.parameters.toLocaleString('en')} parameters, ${model.bytes.toLocaleString('en')} bytes, ${Math.round(performance.now() - started)} ms`);
} else {
  console.log(await ensureGeneratedModel({ preset, weightType, seed }));
}
