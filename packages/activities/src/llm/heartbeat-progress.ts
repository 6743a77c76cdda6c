import { Context } from '@temporalio/activity';
import type { LlmJsonCompletion, LlmJsonRequest, LlmEngine, LlmProgress } from './llm-engine.ts';

/**
 * Run a JSON request inside an activity, heartbeating `{ tokens, phase }` every `everyMs` and at
 * most every 250 ms as tokens arrive. Heartbeats carry progress and are how a cancellation reaches
 * the activity, so they keep going while the request waits for a sequence; the activity's
 * cancellation signal cancels the request.
 */
export async function completeJsonWithHeartbeats<T>(engine: LlmEngine, request: Omit<LlmJsonRequest, 'signal' | 'onProgress'>, everyMs: number): Promise<LlmJsonCompletion<T>> {
  const ctx = Context.current();
  let progress: LlmProgress = { tokens: 0, phase: 'queued' };
  let last = 0;
  const beat = (): void => {
    last = Date.now();
    ctx.heartbeat(progress);
  };
  const timer = setInterval(beat, everyMs);
  try {
    beat();
    return await engine.completeJson<T>({
      ...request,
      signal: ctx.cancellationSignal,
      onProgress: (next) => {
        progress = { tokens: next.tokens, phase: next.phase };
        if (Date.now() - last >= 250) beat();
      },
    });
  } finally {
    clearInterval(timer);
  }
}
