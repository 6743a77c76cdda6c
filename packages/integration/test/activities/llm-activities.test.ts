import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncLocalStorage, Context } from '@temporalio/activity';
import type { Info } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure, noopMetricMeter } from '@temporalio/common';
import type { Logger } from '@temporalio/common';
import { createLlmActivities, loadLlmEngine, underwritingNoteSchema, validateJson } from '@metis/activities/llm';
import { createPgDatabase } from '@metis/activities/storage';
import { generateLlamaGguf } from '@metis/testing';
import type { LlmActivities, LlmEngine } from '@metis/activities/llm';
import type { MetisDatabase } from '@metis/activities/storage';
import { DATABASE_URL, freshTenant } from './stack-env.ts';

// The activity runs for real against the real engine; only the Temporal activity context around
// it is built here (what a worker would provide), so heartbeats and cancellation are observable.
interface Beat {
  readonly tokens: number;
  readonly phase: 'queued' | 'generating';
}

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function inActivity<T>(run: () => Promise<T>, onHeartbeat: (beat: Beat, cancel: () => void) => void): Promise<T> {
  const controller = new AbortController();
  const cancel = (): void => controller.abort(new CancelledFailure('CANCELLED'));
  const cancelled = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error)));
  cancelled.catch(() => undefined);
  const info = { activityId: '1', activityType: 'analyzeApplication', attempt: 1, isLocal: false } as unknown as Info;
  const ctx = new Context(info, cancelled, controller.signal, (details?: unknown) => onHeartbeat(details as Beat, cancel), undefined, silent, noopMetricMeter, {});
  return asyncLocalStorage.run(ctx, run);
}

let dir: string;
let engine: LlmEngine;
let activities: LlmActivities;
const db = createPgDatabase<MetisDatabase>({ url: DATABASE_URL, pool: { max: 1, min: 0 } });
const tenantId = freshTenant('llm-act');
const limits = { summaryMaxLength: 40, maxFlags: 3 };
const application = { applicant: 'K. Rao', monthly_income: 52_000, loan_amount: 300_000, employment: 'salaried' };

describe('LLM activities inside an activity context', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-llm-act-'));
    const modelPath = join(dir, 'tiny.gguf');
    await generateLlamaGguf({ path: modelPath, shape: 'tiny' });
    engine = await loadLlmEngine({ modelPath, sequences: 1, threads: 1, contextSize: 1024 });
    activities = createLlmActivities({ db, engine, note: limits, heartbeatIntervalMs: 20 });
  });
  after(async () => {
    await engine.close();
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test('analyzeApplication heartbeats its token count and returns a validated note', async () => {
    const beats: Beat[] = [];
    const result = await inActivity(() => activities.analyzeApplication({ tenantId, analysisId: 'a1', application }), (beat) => beats.push(beat));
    assert.deepEqual(validateJson(underwritingNoteSchema(limits), result.note), []);
    assert.deepEqual(beats[0], { tokens: 0, phase: 'queued' });
    const generating = beats.filter((b) => b.phase === 'generating');
    assert.ok(generating.length >= 1, 'progress reached the heartbeat');
    assert.ok(generating.every((b, i) => i === 0 || b.tokens >= generating[i - 1]!.tokens), 'token counts only grow');
    assert.ok(result.usage.generatedTokens >= generating.at(-1)!.tokens);
    assert.equal(result.model, engine.info.modelName);
    const reordered = Object.fromEntries(Object.entries(application).reverse());
    const again = await inActivity(() => activities.analyzeApplication({ tenantId, analysisId: 'a2', application: reordered }), () => undefined);
    assert.equal(again.inputSha256, result.inputSha256, 'the input hash does not depend on field order');
    assert.deepEqual(again.note, result.note, 'greedy decoding of the same application gives the same note');
  });

  test('activity cancellation stops generation, ends as cancelled, and frees the sequence', async () => {
    let cancelledAt = -1;
    const run = inActivity(
      () => activities.analyzeApplication({ tenantId, analysisId: 'a3', application }),
      (beat, cancel) => {
        if (beat.phase === 'generating' && cancelledAt < 0) {
          cancelledAt = beat.tokens;
          cancel();
        }
      },
    );
    await assert.rejects(run, (e: unknown) => e instanceof CancelledFailure);
    assert.ok(cancelledAt >= 1);
    assert.deepEqual({ busy: engine.stats().busy, queued: engine.stats().queued }, { busy: 0, queued: 0 });
  });

  test('while waiting for a sequence it keeps heartbeating as queued, and can be cancelled there', async () => {
    const holder = new AbortController();
    const hold = engine.complete({ prompt: 'occupy the only sequence', maxTokens: 800, signal: holder.signal });
    const beats: Beat[] = [];
    const run = inActivity(
      () => activities.analyzeApplication({ tenantId, analysisId: 'a4', application }),
      (beat, cancel) => {
        beats.push(beat);
        if (beats.length === 3) cancel();
      },
    );
    await assert.rejects(run, (e: unknown) => e instanceof CancelledFailure);
    assert.ok(beats.every((b) => b.phase === 'queued' && b.tokens === 0), JSON.stringify(beats));
    assert.equal(engine.stats().queued, 0);
    holder.abort();
    await assert.rejects(hold);
    assert.equal(engine.stats().busy, 0);
  });

  test('unusable input fails as a non-retryable ApplicationFailure with a stable type', async () => {
    const failure = (type: string) => (e: unknown) => e instanceof ApplicationFailure && e.type === type && e.nonRetryable;
    await assert.rejects(inActivity(() => activities.analyzeApplication({ tenantId, analysisId: 'a5', application: {} }), () => undefined), failure('LLM_INPUT_INVALID'));
    await assert.rejects(inActivity(() => activities.analyzeApplication({ tenantId: 'Not A Tenant', analysisId: 'a6', application }), () => undefined), failure('INVALID_TENANT_ID'));
    await assert.rejects(inActivity(() => activities.analyzeApplication({ tenantId, analysisId: '../x', application }), () => undefined), failure('INVALID_ANALYSIS_ID'));
    assert.equal(engine.stats().busy, 0);
  });
});
