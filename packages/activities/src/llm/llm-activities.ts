import { hashData } from '../util/canonical-json.ts';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { MetisError } from '../errors.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { assertTenantId } from '../tenancy/tenant-id.ts';
import { ANALYSIS_ID_PATTERN, insertAnalysisRow, selectAnalysisRow, storedUsage } from './analysis-rows.ts';
import { LlmCancelledError } from './errors.ts';
import { completeJsonWithHeartbeats } from './heartbeat-progress.ts';
import type { LlmCompletion, LlmEngine } from './llm-engine.ts';
import { underwritingNoteSchema, underwritingPrompt } from './underwriting-note.ts';
import type { ApplicationFields, UnderwritingNote, UnderwritingNoteLimits } from './underwriting-note.ts';

/** Input of `analyzeApplication`. */
export interface AnalyzeApplicationInput {
  /** Tenant owning the application. */
  readonly tenantId: string;
  /** Id of this analysis, unique within the tenant. */
  readonly analysisId: string;
  /** The application's fields, as the form holds them. */
  readonly application: ApplicationFields;
  /** Extra instructions from the tenant, appended to the system prompt. */
  readonly instructions?: string;
}

/** Tokens and time one analysis took. */
export interface AnalysisUsage {
  /** Tokens in the prompt. */
  readonly promptTokens: number;
  /** Tokens generated. */
  readonly generatedTokens: number;
  /** Time generating, in ms. */
  readonly generationMs: number;
  /** Time waiting for a free sequence, in ms. */
  readonly queuedMs: number;
  /** Generated tokens per second. */
  readonly tokensPerSecond: number;
}

/** Output of `analyzeApplication`. */
export interface AnalyzeApplicationResult {
  /** The note, validated against its schema. */
  readonly note: UnderwritingNote;
  /** Model that wrote it. */
  readonly model: string;
  /** SHA-256 of the application as analysed (canonical JSON), hex; the application itself is not stored. */
  readonly inputSha256: string;
  /** What it cost. */
  readonly usage: AnalysisUsage;
}

/** Input of `storeAnalysis`. */
export interface StoreAnalysisInput {
  readonly tenantId: string;
  readonly analysisId: string;
  /** Workflow that produced it. */
  readonly workflowId: string;
  /** Kind of analysis, e.g. `underwriting-note`. */
  readonly kind: string;
  readonly result: AnalyzeApplicationResult;
}

/** A stored analysis, as `loadAnalysis` returns it. */
export interface StoredAnalysis {
  readonly tenantId: string;
  readonly analysisId: string;
  readonly workflowId: string;
  readonly kind: string;
  readonly status: 'completed' | 'failed';
  readonly note: UnderwritingNote;
  readonly model: string;
  readonly inputSha256: string;
  readonly usage: Omit<AnalysisUsage, 'queuedMs'>;
  /** When it was stored, ISO 8601. */
  readonly createdAt: string;
}

/** Dependencies of the LLM activities. */
export interface LlmActivityDeps {
  /** Database, connected as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** A loaded engine (`loadLlmEngine` / `sharedLlmEngine`): load it before the worker starts polling. */
  readonly engine: LlmEngine;
  /** Limits of the underwriting note's schema. */
  readonly note?: UnderwritingNoteLimits;
  /** Heartbeat period while queued or generating, in ms (default 5 s). */
  readonly heartbeatIntervalMs?: number;
  /** Metrics sink. */
  readonly metrics?: Metrics;
}

/** LLM activities, as workflows see them. */
export interface LlmActivities {
  /** Write an underwriting note for an application; heartbeats `{ tokens }` and stops when cancelled. */
  analyzeApplication(input: AnalyzeApplicationInput): Promise<AnalyzeApplicationResult>;
  /** Store an analysis once (a repeat keeps the first) and return it as stored. */
  storeAnalysis(input: StoreAnalysisInput): Promise<StoredAnalysis>;
}

// Retrying cannot fix these: the input, the model or the limit is wrong.
const NON_RETRYABLE = new Set(['LLM_INPUT_INVALID', 'LLM_OUTPUT_INVALID', 'LLM_TIMEOUT', 'LLM_MODEL_MISSING', 'LLM_MODEL_CORRUPT', 'LLM_MODEL_LOAD_FAILED', 'LLM_RUNTIME_UNAVAILABLE', 'INVALID_TENANT_ID']);

/** Turn a Metis error into the activity failure Temporal retries or not; other errors pass through. */
export function toFailure(error: unknown): unknown {
  if (!(error instanceof MetisError)) return error;
  return NON_RETRYABLE.has(error.code)
    ? ApplicationFailure.nonRetryable(error.message, error.code)
    : ApplicationFailure.retryable(error.message, error.code);
}

/** Return what an activity throws for `error`: the cancellation Temporal gave it when cancelled, else {@link toFailure}. */
export function activityFailure(error: unknown, ctx: Context): unknown {
  // A cancelled activity must end with the cancellation Temporal gave it.
  if (error instanceof LlmCancelledError && ctx.cancellationSignal.aborted) return ctx.cancellationSignal.reason;
  return toFailure(error);
}

/** Return the usage of a finished request, in whole ms. */
export function usageOf(out: LlmCompletion): AnalysisUsage {
  return { promptTokens: out.promptTokens, generatedTokens: out.generatedTokens, generationMs: Math.round(out.generationMs), queuedMs: Math.round(out.queuedMs), tokensPerSecond: out.tokensPerSecond };
}

function assertAnalysisId(analysisId: unknown): asserts analysisId is string {
  if (typeof analysisId !== 'string' || !ANALYSIS_ID_PATTERN.test(analysisId)) {
    throw ApplicationFailure.nonRetryable(`invalid analysis id ${JSON.stringify(analysisId)}`, 'INVALID_ANALYSIS_ID');
  }
}

/** Return a stored analysis, or undefined when there is none (read under the tenant's row-level security). */
export async function loadAnalysis(db: Kysely<MetisDatabase>, tenantId: string, analysisId: string): Promise<StoredAnalysis | undefined> {
  const row = await selectAnalysisRow(db, tenantId, analysisId);
  if (!row) return undefined;
  return {
    tenantId: row.tenant_id,
    analysisId: row.analysis_id,
    workflowId: row.workflow_id,
    kind: row.kind,
    status: row.status,
    note: row.result as unknown as UnderwritingNote,
    model: row.model,
    inputSha256: row.input_sha256,
    usage: storedUsage(row),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Create the LLM activities: analysis on the `metis-ai` pool, storage wherever the workflow routes it. */
export function createLlmActivities(deps: LlmActivityDeps): LlmActivities {
  const schema = underwritingNoteSchema(deps.note);
  const every = deps.heartbeatIntervalMs ?? 5_000;
  return {
    async analyzeApplication(input) {
      const ctx = Context.current();
      try {
        assertTenantId(input.tenantId);
        assertAnalysisId(input.analysisId);
        const { system, prompt } = underwritingPrompt(input.application, input.instructions);
        const out = await completeJsonWithHeartbeats<UnderwritingNote>(deps.engine, { system, prompt, schema, labels: { tenant: input.tenantId } }, every);
        deps.metrics?.count('metis_llm_analyses_total', 1, { tenant: input.tenantId, recommendation: out.value.recommendation });
        return {
          note: out.value,
          model: deps.engine.info.modelName,
          inputSha256: hashData(input.application),
          usage: usageOf(out),
        };
      } catch (error) {
        throw activityFailure(error, ctx);
      }
    },

    async storeAnalysis(input) {
      try {
        assertTenantId(input.tenantId);
      } catch (error) {
        throw toFailure(error);
      }
      assertAnalysisId(input.analysisId);
      const { result } = input;
      await insertAnalysisRow(deps.db, { tenantId: input.tenantId, analysisId: input.analysisId, workflowId: input.workflowId, kind: input.kind, inputSha256: result.inputSha256, result: result.note, model: result.model, usage: result.usage });
      const stored = await loadAnalysis(deps.db, input.tenantId, input.analysisId);
      if (!stored) throw ApplicationFailure.retryable(`analysis ${input.analysisId} was not stored`, 'AnalysisNotStored');
      return stored;
    },
  };
}
