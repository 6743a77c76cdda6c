import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryMetrics } from '@metis/activities/metrics';
import { generateLlamaGguf } from '@metis/testing';
import { inspectModelFile, LlmCancelledError, LlmEngineClosedError, LlmInputError, LlmTimeoutError, loadLlmEngine, RECOMMENDATIONS, RISK_FLAGS, underwritingNoteSchema, underwritingPrompt, validateJson } from '@metis/activities/llm';
import type { LlmEngine, UnderwritingNote } from '@metis/activities/llm';

// Tiny generated models (about 0.1 M parameters) on one thread: the real llama.cpp, in milliseconds.
let dir: string;
let modelPath: string;
let otherSeedPath: string;
let engine: LlmEngine;
const metrics = createInMemoryMetrics();
const schema = underwritingNoteSchema({ summaryMaxLength: 48, maxFlags: 3 });

const application = (i: number) => ({
  applicant: `Applicant ${i}`,
  monthly_income: 40_000 + 1_500 * i,
  loan_amount: 250_000 + 10_000 * i,
  employment: i % 2 ? 'salaried' : 'self-employed',
  existing_loans: i % 3,
});

function assertNote(value: unknown): asserts value is UnderwritingNote {
  assert.deepEqual(validateJson(schema, value), []);
  const note = value as UnderwritingNote;
  assert.deepEqual(Object.keys(note).sort(), ['recommendation', 'risk_flags', 'summary']);
  assert.ok(RECOMMENDATIONS.includes(note.recommendation));
  assert.ok(note.risk_flags.length <= 3 && note.risk_flags.every((f) => RISK_FLAGS.includes(f)));
  assert.ok([...note.summary].length <= 48);
}

describe('LLM engine on llama.cpp with a generated model', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-llm-'));
    modelPath = join(dir, 'tiny.gguf');
    otherSeedPath = join(dir, 'tiny-seed7.gguf');
    await generateLlamaGguf({ path: modelPath, shape: 'tiny' });
    await generateLlamaGguf({ path: otherSeedPath, shape: 'tiny', seed: 7, weightType: 'f16' });
    engine = await loadLlmEngine({ modelPath, sequences: 4, threads: 1, contextSize: 1024, metrics });
  });
  after(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the generated model loads and is described from its header', async () => {
    const info = await inspectModelFile(modelPath);
    assert.equal(info.architecture, 'llama');
    assert.equal(info.layers, 2);
    assert.equal(info.parameters, 115_520);
    // 2 layers × (64 key + 64 value) × 2 bytes
    assert.equal(info.kvBytesPerToken, 2 * 2 * 128);
    assert.equal(info.hasChatTemplate, false);
    assert.deepEqual({ ...engine.info, loadMs: 0 }, { modelPath, modelName: info.name, fileBytes: info.fileBytes, sequences: 4, contextSize: 1024, threads: 1, batchSize: 512, loadMs: 0 });
    assert.ok(metrics.value('metis_llm_model_load_seconds', { model: info.name }) > 0);
    const text = await engine.complete({ prompt: 'Any text at all: ünïcödé, 数字, emoji 🙂', maxTokens: 12 });
    assert.equal(text.generatedTokens, 12);
    assert.equal(text.stopReason, 'maxTokens');
    assert.ok(text.promptTokens > 40, 'a byte-level vocabulary spells out every byte');
  });

  test('output under a JSON schema always parses and validates', async () => {
    const other = await loadLlmEngine({ modelPath: otherSeedPath, sequences: 2, threads: 1, contextSize: 1024 });
    try {
      const runs: Promise<unknown>[] = [];
      for (let i = 0; i < 6; i++) {
        const { system, prompt } = underwritingPrompt(application(i));
        runs.push(engine.completeJson({ system, prompt, schema }).then((r) => r.value));
        runs.push(engine.completeJson({ system, prompt, schema, temperature: 0.9, seed: i }).then((r) => r.value));
        runs.push(other.completeJson({ system, prompt, schema, temperature: 1.2, seed: 100 + i }).then((r) => r.value));
      }
      const values = await Promise.all(runs);
      for (const value of values) assertNote(value);
      assert.ok(new Set(values.map((v) => JSON.stringify(v))).size > 1, 'different prompts and seeds give different notes');
    } finally {
      await other.close();
    }
  });

  test('a model with a chat template gets system and user prompts in its format', async () => {
    const chatPath = join(dir, 'chat.gguf');
    const chatml =
      "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    await generateLlamaGguf({ path: chatPath, shape: 'tiny', chatTemplate: chatml });
    assert.equal((await inspectModelFile(chatPath)).hasChatTemplate, true);
    const chat = await loadLlmEngine({ modelPath: chatPath, sequences: 1, threads: 1, contextSize: 1024 });
    const raw = await loadLlmEngine({ modelPath: chatPath, sequences: 1, threads: 1, contextSize: 1024, promptFormat: 'raw' });
    try {
      const p = underwritingPrompt(application(1));
      const wrapped = await chat.completeJson({ ...p, schema });
      const plain = await raw.completeJson({ ...p, schema });
      assertNote(wrapped.value);
      assertNote(plain.value);
      // The template adds role markers around both messages and opens the assistant turn.
      assert.ok(wrapped.promptTokens > plain.promptTokens + 'im_start'.length * 3, `${wrapped.promptTokens} vs ${plain.promptTokens}`);
    } finally {
      await chat.close();
      await raw.close();
    }
  });

  test('concurrent requests all complete, decoded together, with the same output as one at a time', async () => {
    const prompts = Array.from({ length: 10 }, (_, i) => underwritingPrompt(application(i)));
    const serial: string[] = [];
    for (const p of prompts) serial.push((await engine.completeJson({ ...p, schema })).text);
    let peakBusy = 0;
    let peakQueued = 0;
    const concurrent = await Promise.all(
      prompts.map((p) =>
        engine.completeJson({
          ...p,
          schema,
          onProgress: () => {
            peakBusy = Math.max(peakBusy, engine.stats().busy);
            peakQueued = Math.max(peakQueued, engine.stats().queued);
          },
        }),
      ),
    );
    assert.deepEqual(concurrent.map((r) => r.text), serial, 'greedy decoding is the same alone or batched');
    assert.equal(peakBusy, 4, 'all four sequences were busy at once');
    assert.ok(peakQueued >= 1, 'requests beyond the sequences waited in the queue');
    assert.ok(concurrent.some((r) => r.queuedMs > 0));
    for (const r of concurrent) {
      assertNote(r.value);
      assert.ok(r.generatedTokens > 0 && r.tokensPerSecond > 0);
    }
    assert.deepEqual({ busy: engine.stats().busy, queued: engine.stats().queued }, { busy: 0, queued: 0 });
    const labels = { model: engine.info.modelName };
    assert.ok(metrics.value('metis_llm_generated_tokens_total', labels) >= concurrent.reduce((s, r) => s + r.generatedTokens, 0));
    assert.ok(metrics.value('metis_llm_prompt_tokens_total', labels) > 0);
    assert.ok(metrics.value('metis_llm_tokens_per_second', labels) > 0);
    assert.ok(metrics.value('metis_llm_requests_total', { ...labels, outcome: 'completed' }) >= 20);
  });

  test('cancellation frees the sequence, whether generating or queued', async () => {
    const one = await loadLlmEngine({ modelPath, sequences: 1, threads: 1, contextSize: 1024 });
    try {
      const generating = new AbortController();
      const progress: number[] = [];
      const first = one.complete({
        prompt: 'Write forever',
        maxTokens: 900,
        signal: generating.signal,
        onProgress: (p) => {
          progress.push(p.tokens);
          if (p.tokens === 20) generating.abort(new Error('caller gave up'));
        },
      });
      const queued = new AbortController();
      const waiting = one.complete({ prompt: 'Queued behind', maxTokens: 5, signal: queued.signal });
      assert.equal(one.stats().queued, 1);
      queued.abort();
      await assert.rejects(waiting, (e: unknown) => e instanceof LlmCancelledError && e.code === 'LLM_CANCELLED' && e.tokens === 0);
      await assert.rejects(first, (e: unknown) => e instanceof LlmCancelledError && e.tokens >= 20 && e.tokens < 900);
      assert.ok(progress.includes(20));
      assert.deepEqual({ busy: one.stats().busy, queued: one.stats().queued }, { busy: 0, queued: 0 });
      const after = await one.complete({ prompt: 'The sequence is free again', maxTokens: 8 });
      assert.equal(after.generatedTokens, 8);
      const already = new AbortController();
      already.abort();
      await assert.rejects(one.complete({ prompt: 'never starts', signal: already.signal }), LlmCancelledError);
    } finally {
      await one.close();
    }
  });

  test('a request past its time limit stops with a typed error and frees its sequence', async () => {
    const one = await loadLlmEngine({ modelPath, sequences: 1, threads: 1, contextSize: 1024, timeoutMs: 60_000 });
    try {
      const started = Date.now();
      let tokens = 0;
      const slow = one.complete({
        prompt: 'Take your time',
        maxTokens: 1000,
        timeoutMs: 300,
        onProgress: (p) => {
          tokens = p.tokens;
          // Hold the event loop a little per token so generation outlasts the limit.
          const until = Date.now() + 2;
          while (Date.now() < until);
        },
      });
      await assert.rejects(slow, (e: unknown) => e instanceof LlmTimeoutError && e.code === 'LLM_TIMEOUT' && e.timeoutMs === 300 && e.tokens === tokens && tokens < 1000);
      assert.ok(Date.now() - started < 5_000);
      assert.equal(one.stats().busy, 0);
      assert.equal((await one.complete({ prompt: 'next', maxTokens: 4 })).generatedTokens, 4);
    } finally {
      await one.close();
    }
  });

  test('bad requests are refused before they take a sequence', async () => {
    await assert.rejects(engine.complete({ prompt: '   ' }), (e: unknown) => e instanceof LlmInputError && e.code === 'LLM_INPUT_INVALID');
    await assert.rejects(engine.complete({ prompt: 'x'.repeat(2000) }), (e: unknown) => e instanceof LlmInputError && /holds 1024/.test(e.message));
    await assert.rejects(engine.complete({ prompt: 'ok', maxTokens: 0 }), LlmInputError);
    assert.throws(() => underwritingPrompt({}), LlmInputError);
    assert.throws(() => underwritingPrompt({ notes: 'y'.repeat(9000) }), LlmInputError);
    assert.equal(engine.stats().busy, 0);
  });

  test('a closed engine refuses new work', async () => {
    const closing = await loadLlmEngine({ modelPath, sequences: 1, threads: 1, contextSize: 256 });
    const running = closing.complete({ prompt: 'finish me', maxTokens: 30 });
    const queued = assert.rejects(closing.complete({ prompt: 'never runs', maxTokens: 5 }), LlmEngineClosedError);
    await closing.close();
    assert.equal((await running).generatedTokens, 30, 'running requests finish');
    await queued;
    await assert.rejects(closing.complete({ prompt: 'late' }), LlmEngineClosedError);
  });
});
