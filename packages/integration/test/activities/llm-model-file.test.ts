import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { generateLlamaGguf } from '@metis/testing';
import { inspectModelFile, LlmModelError, loadLlmEngine, sharedLlmEngine } from '@metis/activities/llm';

let dir: string;
let good: string;

const modelError = (code: string, pattern: RegExp) => (e: unknown) => e instanceof LlmModelError && e.code === code && pattern.test(e.message) && e.hint !== undefined;

describe('model files: generated GGUF, and missing or corrupt ones refused before loading', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-gguf-'));
    good = join(dir, 'good.gguf');
    await generateLlamaGguf({ path: good, shape: 'tiny', seed: 3 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a generated file is GGUF v3 with aligned tensors, a byte vocabulary, and the same bytes for the same seed', async () => {
    const bytes = await readFile(good);
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'GGUF');
    assert.equal(bytes.readUInt32LE(4), 3);
    const info = await readGgufFileInfo(good, { logWarnings: false });
    assert.equal(info.metadata.general.architecture, 'llama');
    assert.equal(info.metadata.general.alignment, 32);
    const tokens = info.metadata.tokenizer?.ggml.tokens ?? [];
    assert.equal(tokens.length, 260);
    assert.deepEqual([tokens[0], tokens[1], tokens[2], tokens[3], tokens[258], tokens[259]], ['<unk>', '<s>', '</s>', '<0x00>', '<0xFF>', '\u2581']);
    const tensors = info.tensorInfo ?? [];
    assert.equal(tensors.length, 1 + 2 * 9 + 2);
    assert.ok(tensors.every((t) => Number(t.offset) % 32 === 0));
    assert.ok((info.infoEndOffset ?? 1) % 32 === 0);
    const again = join(dir, 'again.gguf');
    await generateLlamaGguf({ path: again, shape: 'tiny', seed: 3 });
    assert.ok(bytes.equals(await readFile(again)), 'deterministic');
    const other = join(dir, 'other.gguf');
    await generateLlamaGguf({ path: other, shape: 'tiny', seed: 4 });
    assert.ok(!bytes.equals(await readFile(other)), 'another seed, other weights');
    const q4 = join(dir, 'q4.gguf');
    const m = await generateLlamaGguf({ path: q4, shape: 'tiny', weightType: 'q4_0' });
    assert.ok(m.bytes < bytes.byteLength, '4-bit weights take less room');
    const engine = await loadLlmEngine({ modelPath: q4, threads: 1, sequences: 1, contextSize: 256 });
    try {
      assert.equal((await engine.complete({ prompt: 'four bits', maxTokens: 6 })).generatedTokens, 6);
    } finally {
      await engine.close();
    }
  });

  test('a missing file fails fast with LLM_MODEL_MISSING', async () => {
    const started = Date.now();
    await assert.rejects(loadLlmEngine({ modelPath: join(dir, 'absent.gguf') }), modelError('LLM_MODEL_MISSING', /absent\.gguf is missing or unreadable \(ENOENT\)/));
    await assert.rejects(inspectModelFile(dir), modelError('LLM_MODEL_MISSING', /is not a file/));
    assert.ok(Date.now() - started < 1000);
  });

  test('a file that is not GGUF fails with LLM_MODEL_CORRUPT', async () => {
    const text = join(dir, 'model.gguf.txt');
    await writeFile(text, 'this is not a model\n');
    await assert.rejects(loadLlmEngine({ modelPath: text }), modelError('LLM_MODEL_CORRUPT', /is not a GGUF v2\/v3 file/));
    const empty = join(dir, 'empty.gguf');
    await writeFile(empty, '');
    await assert.rejects(inspectModelFile(empty), modelError('LLM_MODEL_CORRUPT', /not a GGUF/));
  });

  test('a truncated or garbled file fails with LLM_MODEL_CORRUPT before llama.cpp sees it', async () => {
    const bytes = await readFile(good);
    const truncated = join(dir, 'truncated.gguf');
    await writeFile(truncated, bytes.subarray(0, bytes.byteLength - 4096));
    await assert.rejects(loadLlmEngine({ modelPath: truncated }), modelError('LLM_MODEL_CORRUPT', /is truncated: its tensors need \d+ bytes, the file has \d+/));
    const garbled = join(dir, 'garbled.gguf');
    const copy = Buffer.from(bytes);
    copy.fill(0xff, 24, 400);
    await writeFile(garbled, copy);
    await assert.rejects(loadLlmEngine({ modelPath: garbled }), modelError('LLM_MODEL_CORRUPT', /unreadable GGUF header/));
  });

  test('a shared engine is loaded once per process, and a failed load is not remembered', async () => {
    const later = join(dir, 'later', 'model.gguf');
    await assert.rejects(sharedLlmEngine({ modelPath: later, threads: 1, sequences: 1, contextSize: 256 }), modelError('LLM_MODEL_MISSING', /later/));
    await mkdir(join(dir, 'later'));
    await generateLlamaGguf({ path: later, shape: 'tiny' });
    const [a, b] = await Promise.all([
      sharedLlmEngine({ modelPath: later, threads: 1, sequences: 1, contextSize: 256 }),
      sharedLlmEngine({ modelPath: later, threads: 1, sequences: 1, contextSize: 256 }),
    ]);
    assert.equal(a, b);
    await a.close();
    const c = await sharedLlmEngine({ modelPath: later, threads: 1, sequences: 1, contextSize: 256 });
    assert.notEqual(c, a, 'a closed engine is replaced');
    await c.close();
  });
});
