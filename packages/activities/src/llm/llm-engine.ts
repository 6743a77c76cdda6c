import type { Labels } from '../metrics/metrics.ts';
import type { JsonSchema, JsonValue } from './json-schema.ts';

/** Progress of one request, reported as tokens are generated. */
export interface LlmProgress {
  /** Tokens generated so far. */
  readonly tokens: number;
  /** `queued` while waiting for a free sequence, `generating` once decoding. */
  readonly phase: 'queued' | 'generating';
}

/** One generation request. */
export interface LlmRequest {
  /** The user's prompt. */
  readonly prompt: string;
  /** Instructions placed before the prompt (a system message when the model has a chat template). */
  readonly system?: string;
  /** Most tokens to generate; defaults to what the schema can need, else 512, and never more than the context holds. */
  readonly maxTokens?: number;
  /** 0 (the default) decodes greedily; higher values sample. */
  readonly temperature?: number;
  /** Sampling seed, when `temperature` > 0. */
  readonly seed?: number;
  /** Cancel the request; its sequence is freed at once. */
  readonly signal?: AbortSignal;
  /** Time limit from acceptance (queueing included), in ms; defaults to the engine's (5 minutes). */
  readonly timeoutMs?: number;
  /** Called as tokens arrive. */
  readonly onProgress?: (progress: LlmProgress) => void;
  /** Extra metric labels, e.g. `{ tenant }`. */
  readonly labels?: Labels;
}

/** A request whose output must be JSON matching a schema. */
export interface LlmJsonRequest extends LlmRequest {
  /** Schema the output is constrained to while it is generated, then checked against. */
  readonly schema: JsonSchema;
}

/** What a finished request produced and what it cost. */
export interface LlmCompletion {
  /** Generated text. */
  readonly text: string;
  /** Why generation stopped. */
  readonly stopReason: 'end' | 'maxTokens';
  /** Tokens in the formatted prompt. */
  readonly promptTokens: number;
  /** Tokens generated. */
  readonly generatedTokens: number;
  /** Time spent waiting for a free sequence, in ms. */
  readonly queuedMs: number;
  /** Time from getting a sequence to the last token, in ms. */
  readonly generationMs: number;
  /** Generated tokens per second of `generationMs`. */
  readonly tokensPerSecond: number;
}

/** A finished JSON request: the parsed, validated value besides the text. */
export interface LlmJsonCompletion<T = JsonValue> extends LlmCompletion {
  /** The parsed output, which matches the schema. */
  readonly value: T;
}

/** How an engine was set up. */
export interface LlmEngineInfo {
  /** Model file path. */
  readonly modelPath: string;
  /** Model name from its metadata, or the file name. */
  readonly modelName: string;
  /** Model file size in bytes. */
  readonly fileBytes: number;
  /** Sequences decoded together (requests served at once). */
  readonly sequences: number;
  /** Tokens each sequence can hold (prompt plus output). */
  readonly contextSize: number;
  /** CPU threads llama.cpp decodes with. */
  readonly threads: number;
  /** Most tokens submitted in one decode pass. */
  readonly batchSize: number;
  /** Time it took to load the model and create the context, in ms. */
  readonly loadMs: number;
}

/** Live counters of an engine. */
export interface LlmEngineStats {
  /** Sequences generating now. */
  readonly busy: number;
  /** Requests waiting for a sequence. */
  readonly queued: number;
  /** Requests finished since start. */
  readonly completed: number;
  /** Requests that failed, timed out or were cancelled since start. */
  readonly failed: number;
}

/** A loaded model that serves generation requests, several at once. */
export interface LlmEngine {
  /** How it was set up. */
  readonly info: LlmEngineInfo;
  /** Generate text for a prompt. */
  complete(request: LlmRequest): Promise<LlmCompletion>;
  /** Generate JSON constrained to a schema; throw `LlmOutputError` if it does not parse or validate. */
  completeJson<T = JsonValue>(request: LlmJsonRequest): Promise<LlmJsonCompletion<T>>;
  /** Return the live counters. */
  stats(): LlmEngineStats;
  /** Refuse new requests, cancel queued ones, and free the model once running ones end. */
  close(): Promise<void>;
}
