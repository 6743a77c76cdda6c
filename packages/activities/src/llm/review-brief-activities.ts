import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Metrics } from '../metrics/metrics.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { assertTenantId } from '../tenancy/tenant-id.ts';
import { hashData } from '../util/canonical-json.ts';
import { insertAnalysisRow } from './analysis-rows.ts';
import { completeJsonWithHeartbeats } from './heartbeat-progress.ts';
import { LLM_DEFAULT_TIMEOUT_MS } from './llama-cpp-engine.ts';
import { activityFailure, toFailure, usageOf } from './llm-activities.ts';
import type { AnalysisUsage } from './llm-activities.ts';
import type { LlmEngine } from './llm-engine.ts';
import { checkBriefFields, reviewBriefFacts, reviewBriefPrompt, reviewBriefSchema } from './review-brief.ts';
import type { ReviewBrief, ReviewBriefFacts, ReviewBriefLimits, ReviewBriefSources } from './review-brief.ts';

import { loadReviewBrief, REVIEW_BRIEF_KIND, reviewBriefAnalysisId } from './stored-review-brief.ts';
import type { BriefRow } from './stored-review-brief.ts';

export { loadReviewBrief, REVIEW_BRIEF_KIND, reviewBriefAnalysisId } from './stored-review-brief.ts';

/** Input of `writeReviewBrief`: the loan's facts, checks and reasons (personal data is dropped or masked before the model sees anything). */
export interface WriteReviewBriefInput extends ReviewBriefSources {
  /** Tenant owning the loan. */
  readonly tenantId: string;
  /** The loan application. */
  readonly applicationId: string;
}

/** A brief as the model wrote it, checked, with what it was written from. */
export interface ReviewBriefResult {
  /** The brief; every flag cites only facts it was given. */
  readonly brief: ReviewBrief;
  /** The facts the model saw, by path: what the flags' fields point at. */
  readonly facts: ReviewBriefFacts;
  /** Citations removed because they named no given fact (`flag:field`). */
  readonly droppedFields: readonly string[];
  /** Model that wrote it. */
  readonly model: string;
  /** SHA-256 of the facts (canonical JSON), hex. */
  readonly inputSha256: string;
  /** What it cost. */
  readonly usage: AnalysisUsage;
}

/** Output of `writeReviewBrief`: the brief, or why this worker cannot write one. */
export type WriteReviewBriefOutput = { readonly status: 'completed'; readonly result: ReviewBriefResult } | { readonly status: 'unavailable'; readonly reason: string };

/** Input of `storeReviewBrief`. */
export interface StoreReviewBriefInput {
  readonly tenantId: string;
  readonly applicationId: string;
  /** The loan's workflow. */
  readonly workflowId: string;
  readonly result: ReviewBriefResult;
}

/** A stored review brief, as `loadReviewBrief` returns it. */
export interface StoredReviewBrief extends Omit<ReviewBriefResult, 'usage'> {
  readonly tenantId: string;
  readonly applicationId: string;
  /** Its row in `analyses`. */
  readonly analysisId: string;
  readonly workflowId: string;
  readonly usage: Omit<AnalysisUsage, 'queuedMs'>;
  /** When it was stored, ISO 8601. */
  readonly createdAt: string;
}

/** Dependencies of the review-brief activities. */
export interface ReviewBriefActivityDeps {
  /** Database, connected as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** The worker's LLM engine; without it `writeReviewBrief` answers `unavailable` at once. */
  readonly engine?: LlmEngine | undefined;
  /** Limits of the brief's schema. */
  readonly limits?: ReviewBriefLimits;
  /** Time limit of one brief, queueing on the engine included, in ms (default 5 minutes). */
  readonly timeoutMs?: number;
  /** Heartbeat period while queued or generating, in ms (default 5 s). */
  readonly heartbeatIntervalMs?: number;
  /** Metrics sink. */
  readonly metrics?: Metrics;
}

/** Review-brief activities, as workflows see them. */
export interface ReviewBriefActivities {
  /** Write an underwriter's brief on the `metis-ai` pool; heartbeats `{ tokens, phase }`; `unavailable` when the worker has no LLM. */
  writeReviewBrief(input: WriteReviewBriefInput): Promise<WriteReviewBriefOutput>;
  /** Store a brief once per loan (a repeat keeps the first) and return it as stored. */
  storeReviewBrief(input: StoreReviewBriefInput): Promise<StoredReviewBrief>;
}

/** Create the review-brief activities; register them on every worker, with or without an engine. */
export function createReviewBriefActivities(deps: ReviewBriefActivityDeps): ReviewBriefActivities {
  const every = deps.heartbeatIntervalMs ?? 5_000;
  return {
    async writeReviewBrief(input) {
      const ctx = Context.current();
      try {
        assertTenantId(input.tenantId);
        const engine = deps.engine;
        if (!engine) return { status: 'unavailable', reason: 'no LLM engine on this worker (set METIS_LLM_MODEL to a GGUF model)' };
        const facts = reviewBriefFacts(input);
        const { system, prompt } = reviewBriefPrompt(facts);
        const out = await completeJsonWithHeartbeats<ReviewBrief>(
          engine,
          { system, prompt, schema: reviewBriefSchema(Object.keys(facts), deps.limits), timeoutMs: deps.timeoutMs ?? LLM_DEFAULT_TIMEOUT_MS, labels: { tenant: input.tenantId } },
          every,
        );
        const { brief, dropped } = checkBriefFields(out.value, facts);
        deps.metrics?.count('metis_llm_review_briefs_total', 1, { tenant: input.tenantId });
        return { status: 'completed', result: { brief, facts, droppedFields: dropped, model: engine.info.modelName, inputSha256: hashData(facts), usage: usageOf(out) } };
      } catch (error) {
        throw activityFailure(error, ctx);
      }
    },

    async storeReviewBrief(input) {
      try {
        assertTenantId(input.tenantId);
      } catch (error) {
        throw toFailure(error);
      }
      const { result } = input;
      const stored: BriefRow = { brief: result.brief, facts: result.facts, droppedFields: result.droppedFields };
      await insertAnalysisRow(deps.db, { tenantId: input.tenantId, analysisId: reviewBriefAnalysisId(input.applicationId), workflowId: input.workflowId, kind: REVIEW_BRIEF_KIND, inputSha256: result.inputSha256, result: stored, model: result.model, usage: result.usage });
      const brief = await loadReviewBrief(deps.db, input.tenantId, input.applicationId);
      if (!brief) throw ApplicationFailure.retryable(`the brief of ${input.applicationId} was not stored`, 'AnalysisNotStored');
      return brief;
    },
  };
}
