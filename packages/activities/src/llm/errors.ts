import { MetisError } from '../errors.ts';

/** Codes of the LLM errors. */
export type LlmErrorCode =
  | 'LLM_MODEL_MISSING'
  | 'LLM_MODEL_CORRUPT'
  | 'LLM_MODEL_LOAD_FAILED'
  | 'LLM_RUNTIME_UNAVAILABLE'
  | 'LLM_INPUT_INVALID'
  | 'LLM_OUTPUT_INVALID'
  | 'LLM_TIMEOUT'
  | 'LLM_CANCELLED'
  | 'LLM_ENGINE_CLOSED';

/** A model file that is missing, unreadable, not GGUF, truncated, or rejected by llama.cpp. */
export class LlmModelError extends MetisError {
  /** The model path that failed. */
  readonly modelPath: string;

  constructor(code: Extract<LlmErrorCode, `LLM_MODEL_${string}` | 'LLM_RUNTIME_UNAVAILABLE'>, modelPath: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(code, message, options);
    this.modelPath = modelPath;
  }
}

/** A request the engine refuses before doing any work: empty prompt, too long for the context, bad limits. */
export class LlmInputError extends MetisError {
  constructor(message: string, hint?: string) {
    super('LLM_INPUT_INVALID', message, hint === undefined ? undefined : { hint });
  }
}

/** Generated text that does not parse or does not match the requested JSON schema. */
export class LlmOutputError extends MetisError {
  /** The text the model produced. */
  readonly text: string;

  constructor(message: string, text: string, options?: { hint?: string; cause?: unknown }) {
    super('LLM_OUTPUT_INVALID', message, options);
    this.text = text;
  }
}

/** A request that ran past its time limit (queueing included); its sequence was freed. */
export class LlmTimeoutError extends MetisError {
  /** The limit that was exceeded, in ms. */
  readonly timeoutMs: number;
  /** Tokens generated before it stopped. */
  readonly tokens: number;

  constructor(timeoutMs: number, tokens: number) {
    super('LLM_TIMEOUT', `LLM request timed out after ${timeoutMs} ms (${tokens} tokens generated)`, {
      hint: 'Lower maxTokens, shorten the prompt, or raise timeoutMs',
    });
    this.timeoutMs = timeoutMs;
    this.tokens = tokens;
  }
}

/** A request cancelled by its caller's AbortSignal; its sequence was freed. */
export class LlmCancelledError extends MetisError {
  /** Tokens generated before it stopped. */
  readonly tokens: number;

  constructor(tokens: number, cause: unknown) {
    super('LLM_CANCELLED', `LLM request cancelled (${tokens} tokens generated)`, { cause });
    this.tokens = tokens;
  }
}

/** A request made after the engine was closed. */
export class LlmEngineClosedError extends MetisError {
  constructor() {
    super('LLM_ENGINE_CLOSED', 'the LLM engine is closed');
  }
}
