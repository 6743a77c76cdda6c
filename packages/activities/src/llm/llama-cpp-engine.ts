import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type * as LlamaCpp from 'node-llama-cpp';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel, Token } from 'node-llama-cpp';
import type { Labels, Metrics } from '../metrics/metrics.ts';
import { noopMetrics } from '../metrics/metrics.ts';
import { LlmCancelledError, LlmEngineClosedError, LlmInputError, LlmModelError, LlmOutputError, LlmTimeoutError } from './errors.ts';
import { maxJsonBytes, validateJson } from './json-schema.ts';
import type { JsonSchema } from './json-schema.ts';
import type { LlmCompletion, LlmEngine, LlmEngineInfo, LlmEngineStats, LlmJsonCompletion, LlmJsonRequest, LlmRequest } from './llm-engine.ts';
import { LockstepRounds } from './lockstep-rounds.ts';
import { inspectModelFile } from './model-file.ts';
import { loadNativeModule } from '../native-modules.ts';

/** Options of `loadLlmEngine`. */
export interface LlmEngineOptions {
  /** Path of the GGUF model. */
  readonly modelPath: string;
  /** Requests decoded together, each on its own sequence of one shared context (default 4). */
  readonly sequences?: number;
  /** Tokens per sequence, prompt plus output (default the model's training context, at most 2048). */
  readonly contextSize?: number;
  /** CPU threads for llama.cpp (default `os.availableParallelism()`). */
  readonly threads?: number;
  /** Most tokens per decode pass (default 512); long prompts are split so they never stall other sequences for long. */
  readonly batchSize?: number;
  /** Default time limit of a request, queueing included, in ms (default 5 minutes). */
  readonly timeoutMs?: number;
  /** `chat` wraps prompts in the model's chat template, `raw` does not; `auto` (default) uses chat when the file has a template. */
  readonly promptFormat?: 'auto' | 'chat' | 'raw';
  /** Where load time, token counts and throughput go. */
  readonly metrics?: Metrics;
}

/** Default time limit of one LLM request: 5 minutes. */
export const LLM_DEFAULT_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_MAX_TOKENS = 512;
const TIMEOUT = Symbol('timeout');

// Decide from the latest token's text (and, lazily, the whole output) that generation is complete.
type Done = (piece: string, text: () => string) => boolean;

// A JSON grammar lets whitespace follow the value; stop as soon as the value itself is complete.
const jsonComplete: Done = (piece, text) => {
  if (!piece.includes('}') && !piece.includes(']')) return false;
  try {
    JSON.parse(text());
    return true;
  } catch {
    return false;
  }
};

interface Waiter {
  readonly resolve: (sequence: LlamaContextSequence) => void;
  readonly reject: (error: unknown) => void;
}

interface Prepared {
  readonly tokens: Token[];
}

class LlamaCppEngine implements LlmEngine {
  readonly info: LlmEngineInfo;
  private readonly free: LlamaContextSequence[];
  private readonly waiting: Waiter[] = [];
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly labels: Labels;
  private readonly rounds = new LockstepRounds();
  private readonly bos: Token | null;
  private busy = 0;
  private completed = 0;
  private failed = 0;
  private closed = false;
  private idle: (() => void) | undefined;

  private readonly llama: Llama;
  private readonly model: LlamaModel;
  private readonly context: LlamaContext;
  // The model's chat wrapper, resolved once, when prompts are formatted as chat.
  private readonly chat: ReturnType<typeof LlamaCpp.resolveChatWrapper> | undefined;
  private readonly GrammarState: typeof LlamaCpp.LlamaGrammarEvaluationState;
  private readonly timeoutMs: number;
  private readonly metrics: Metrics;

  constructor(parts: { lib: typeof LlamaCpp; llama: Llama; model: LlamaModel; context: LlamaContext; info: LlmEngineInfo; chat: boolean; timeoutMs: number; metrics: Metrics }) {
    this.llama = parts.llama;
    this.model = parts.model;
    this.context = parts.context;
    this.info = parts.info;
    this.chat = parts.chat ? parts.lib.resolveChatWrapper(parts.model) : undefined;
    this.GrammarState = parts.lib.LlamaGrammarEvaluationState;
    this.timeoutMs = parts.timeoutMs;
    this.metrics = parts.metrics;
    this.labels = { model: parts.info.modelName };
    this.bos = parts.model.tokens.shouldPrependBosToken ? parts.model.tokens.bos : null;
    this.free = Array.from({ length: parts.info.sequences }, () => parts.context.getSequence());
  }

  stats(): LlmEngineStats {
    return { busy: this.busy, queued: this.waiting.length, completed: this.completed, failed: this.failed };
  }

  async completeJson<T>(request: LlmJsonRequest): Promise<LlmJsonCompletion<T>> {
    const grammar = await this.grammarFor(request.schema);
    const bound = maxJsonBytes(request.schema);
    const result = await this.run(request, grammar, bound === undefined ? undefined : bound + 8, jsonComplete);
    if (result.stopReason === 'maxTokens') {
      throw new LlmOutputError(`the JSON output was cut off at ${result.generatedTokens} tokens`, result.text, { hint: 'Raise maxTokens or bound the schema (maxLength, maxItems)' });
    }
    let value: unknown;
    try {
      value = JSON.parse(result.text);
    } catch (error) {
      throw new LlmOutputError('the output is not valid JSON', result.text, { cause: error });
    }
    const issues = validateJson(request.schema, value);
    if (issues.length) throw new LlmOutputError(`the output does not match the schema: ${issues.join('; ')}`, result.text);
    return { ...result, value: value as T };
  }

  complete(request: LlmRequest): Promise<LlmCompletion> {
    return this.run(request, undefined, undefined, undefined);
  }

  private async run(request: LlmRequest, grammar: LlamaGrammar | undefined, schemaBound: number | undefined, done: Done | undefined): Promise<LlmCompletion> {
    if (this.closed) throw new LlmEngineClosedError();
    const prepared = this.prepare(request);
    const room = this.info.contextSize - prepared.tokens.length - (this.bos === null ? 0 : 1);
    if (room < 1) {
      throw new LlmInputError(`the prompt takes ${prepared.tokens.length} tokens; a sequence holds ${this.info.contextSize}`, 'Shorten the prompt or raise contextSize');
    }
    if (request.maxTokens !== undefined && !(Number.isInteger(request.maxTokens) && request.maxTokens > 0)) {
      throw new LlmInputError(`maxTokens must be a positive integer, got ${request.maxTokens}`);
    }
    const maxTokens = Math.min(request.maxTokens ?? schemaBound ?? DEFAULT_MAX_TOKENS, room);
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const labels = { ...this.labels, ...request.labels };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(TIMEOUT), timeoutMs);
    const onAbort = (): void => controller.abort(request.signal?.reason);
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
    const accepted = performance.now();
    let generated = 0;
    let started = accepted;
    let sequence: LlamaContextSequence | undefined;
    try {
      request.onProgress?.({ tokens: 0, phase: 'queued' });
      sequence = await this.acquire(controller.signal);
      started = performance.now();
      this.metrics.observe('metis_llm_queue_seconds', (started - accepted) / 1000, labels);
      const out = await this.generate(sequence, prepared.tokens, {
        grammar,
        done,
        maxTokens,
        temperature: request.temperature ?? 0,
        seed: request.seed,
        signal: controller.signal,
        onToken: (count) => {
          generated = count;
          request.onProgress?.({ tokens: count, phase: 'generating' });
        },
      });
      const generationMs = performance.now() - started;
      const result: LlmCompletion = {
        text: out.text,
        stopReason: out.stopReason,
        promptTokens: out.promptTokens,
        generatedTokens: generated,
        queuedMs: started - accepted,
        generationMs,
        tokensPerSecond: generationMs > 0 ? (generated * 1000) / generationMs : 0,
      };
      this.completed += 1;
      this.metrics.count('metis_llm_requests_total', 1, { ...labels, outcome: 'completed' });
      this.metrics.count('metis_llm_prompt_tokens_total', result.promptTokens, labels);
      this.metrics.count('metis_llm_generated_tokens_total', generated, labels);
      this.metrics.observe('metis_llm_tokens_per_second', result.tokensPerSecond, labels);
      this.metrics.observe('metis_llm_generation_seconds', generationMs / 1000, labels);
      return result;
    } catch (error) {
      this.failed += 1;
      if (controller.signal.aborted) {
        const timedOut = controller.signal.reason === TIMEOUT;
        this.metrics.count('metis_llm_requests_total', 1, { ...labels, outcome: timedOut ? 'timeout' : 'cancelled' });
        if (sequence) await sequence.clearHistory().catch(() => undefined);
        throw timedOut ? new LlmTimeoutError(timeoutMs, generated) : new LlmCancelledError(generated, controller.signal.reason);
      }
      this.metrics.count('metis_llm_requests_total', 1, { ...labels, outcome: 'failed' });
      throw error;
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (sequence) this.release(sequence);
    }
  }

  // Decode a prompt on a sequence and sample until end of generation, the token limit, or abort.
  private async generate(
    sequence: LlamaContextSequence,
    prompt: Token[],
    options: { grammar: LlamaGrammar | undefined; done: Done | undefined; maxTokens: number; temperature: number; seed: number | undefined; signal: AbortSignal; onToken: (count: number) => void },
  ): Promise<{ text: string; stopReason: 'end' | 'maxTokens'; promptTokens: number }> {
    const input = this.bos === null ? prompt : [this.bos, ...prompt];
    // Keep what the sequence already holds of this prompt (a shared system prefix is decoded once).
    await sequence.adaptStateToTokens(input.slice(0, -1), false);
    const pending = input.slice(sequence.nextTokenIndex);
    const grammarEvaluationState = options.grammar ? new this.GrammarState({ model: this.model, grammar: options.grammar }) : undefined;
    const tokens = sequence.evaluate(pending, {
      temperature: options.temperature,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(grammarEvaluationState ? { grammarEvaluationState } : {}),
      yieldEogToken: true,
    });
    const output: Token[] = [];
    let stopReason: 'end' | 'maxTokens' = 'end';
    let joined = false;
    try {
      for (;;) {
        options.signal.throwIfAborted();
        const next = await tokens.next();
        if (next.done) break;
        if (!joined) {
          this.rounds.join();
          joined = true;
        }
        if (this.model.isEogToken(next.value)) break;
        output.push(next.value);
        options.onToken(output.length);
        if (options.done?.(this.model.detokenize([next.value]), () => this.model.detokenize(output))) break;
        if (output.length >= options.maxTokens) {
          stopReason = 'maxTokens';
          break;
        }
        await this.rounds.arrive();
      }
    } finally {
      if (joined) this.rounds.leave();
      await tokens.return();
    }
    return { text: this.model.detokenize(output), stopReason, promptTokens: input.length };
  }

  private prepare(request: LlmRequest): Prepared {
    if (typeof request.prompt !== 'string' || request.prompt.trim() === '') throw new LlmInputError('the prompt is empty');
    if (this.chat) {
      const state = this.chat.generateContextState({
        chatHistory: [
          ...(request.system ? [{ type: 'system' as const, text: request.system }] : []),
          { type: 'user' as const, text: request.prompt },
          { type: 'model' as const, response: [] },
        ],
      });
      const tokens = state.contextText.tokenize(this.model.tokenizer);
      // generate() adds the beginning-of-sequence token itself.
      if (tokens[0] !== undefined && tokens[0] === this.model.tokens.bos) tokens.shift();
      return { tokens };
    }
    const text = request.system ? `${request.system}\n\n${request.prompt}` : request.prompt;
    return { tokens: this.model.tokenize(text, false, 'trimLeadingSpace') };
  }

  private grammarFor(schema: JsonSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      // JsonSchema is the subset of node-llama-cpp's GBNF JSON schema that Metis supports.
      grammar = this.llama.createGrammarForJsonSchema(schema as Parameters<Llama['createGrammarForJsonSchema']>[0]);
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private acquire(signal: AbortSignal): Promise<LlamaContextSequence> {
    if (signal.aborted) return Promise.reject(new Error('aborted before start'));
    const next = this.free.pop();
    if (next) {
      this.busy += 1;
      this.gauges();
      return Promise.resolve(next);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (sequence) => {
          signal.removeEventListener('abort', onAbort);
          resolve(sequence);
        },
        reject,
      };
      const onAbort = (): void => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        this.gauges();
        reject(new Error('aborted while queued'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.gauges();
    });
  }

  private release(sequence: LlamaContextSequence): void {
    const next = this.waiting.shift();
    if (next) next.resolve(sequence);
    else {
      this.busy -= 1;
      this.free.push(sequence);
      if (this.busy === 0) this.idle?.();
    }
    this.gauges();
  }

  private gauges(): void {
    this.metrics.gauge('metis_llm_sequences_busy', this.busy, this.labels);
    this.metrics.gauge('metis_llm_queue_depth', this.waiting.length, this.labels);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new LlmEngineClosedError());
    if (this.busy > 0) await new Promise<void>((done) => (this.idle = done));
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}

/**
 * Check the model file, load it on CPU with llama.cpp, and create one context whose sequences
 * serve concurrent requests decoded together. A missing or corrupt file throws `LlmModelError`
 * before anything is loaded, so a worker fails at start instead of on its first task.
 */
export async function loadLlmEngine(options: LlmEngineOptions): Promise<LlmEngine> {
  const file = await inspectModelFile(options.modelPath);
  const metrics = options.metrics ?? noopMetrics;
  const threads = options.threads ?? availableParallelism();
  const sequences = options.sequences ?? 4;
  const contextSize = options.contextSize ?? Math.min(2048, file.trainContextSize);
  const batchSize = Math.max(options.batchSize ?? 512, sequences);
  for (const [name, value] of Object.entries({ threads, sequences, contextSize, batchSize })) {
    if (!Number.isInteger(value) || value < 1) throw new LlmInputError(`${name} must be a positive integer, got ${value}`);
  }
  const started = performance.now();
  const lib = await loadNativeModule('node-llama-cpp');
  let llama: Llama;
  try {
    llama = await lib.getLlama({ gpu: false, build: 'never', maxThreads: threads, logLevel: lib.LlamaLogLevel.error });
  } catch (error) {
    throw new LlmModelError('LLM_RUNTIME_UNAVAILABLE', options.modelPath, `llama.cpp could not start: ${(error as Error).message}`, {
      hint: 'Install node-llama-cpp with its prebuilt CPU binary (@node-llama-cpp/linux-x64)',
      cause: error,
    });
  }
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
  } catch (error) {
    await llama.dispose();
    throw new LlmModelError('LLM_MODEL_LOAD_FAILED', options.modelPath, `llama.cpp could not load ${options.modelPath}: ${(error as Error).message}`, { cause: error });
  }
  let context: LlamaContext;
  try {
    context = await model.createContext({ sequences, contextSize, batchSize, threads, failedCreationRemedy: false });
  } catch (error) {
    await model.dispose();
    await llama.dispose();
    throw new LlmModelError('LLM_MODEL_LOAD_FAILED', options.modelPath, `could not create a context of ${sequences} × ${contextSize} tokens: ${(error as Error).message}`, {
      hint: 'Lower sequences or contextSize (see sizePools)',
      cause: error,
    });
  }
  const loadMs = performance.now() - started;
  const info: LlmEngineInfo = { modelPath: resolve(options.modelPath), modelName: file.name, fileBytes: file.fileBytes, sequences, contextSize, threads, batchSize, loadMs };
  metrics.observe('metis_llm_model_load_seconds', loadMs / 1000, { model: file.name });
  const chat = options.promptFormat === 'chat' || (options.promptFormat !== 'raw' && file.hasChatTemplate);
  return new LlamaCppEngine({ lib, llama, model, context, info, chat, timeoutMs: options.timeoutMs ?? LLM_DEFAULT_TIMEOUT_MS, metrics });
}

const shared = new Map<string, Promise<LlmEngine>>();

/** Load an engine once per process for these options and share it; a failed load is not cached. */
export function sharedLlmEngine(options: LlmEngineOptions): Promise<LlmEngine> {
  const { metrics: _metrics, ...rest } = options;
  const key = JSON.stringify({ ...rest, modelPath: resolve(options.modelPath) });
  let engine = shared.get(key);
  if (!engine) {
    engine = loadLlmEngine(options).then(
      (loaded): LlmEngine => ({
        info: loaded.info,
        complete: (request) => loaded.complete(request),
        completeJson: <T>(request: LlmJsonRequest) => loaded.completeJson<T>(request),
        stats: () => loaded.stats(),
        close: async () => {
          shared.delete(key);
          await loaded.close();
        },
      }),
    );
    engine.catch(() => shared.delete(key));
    shared.set(key, engine);
  }
  return engine;
}
