// Reading a loan's stored underwriter brief: database only, no model, no engine, so a client may
// load it (`@metis/activities/review-briefs`).
import type { Kysely } from 'kysely';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { hashData } from '../util/canonical-json.ts';
import { ANALYSIS_ID_PATTERN, selectAnalysisRow, storedUsage } from './analysis-rows.ts';
import type { ReviewBrief, ReviewBriefFacts } from './review-brief.ts';
import type { StoredReviewBrief } from './review-brief-activities.ts';

/** Kind of a review brief in the `analyses` table. */
export const REVIEW_BRIEF_KIND = 'review-brief';

/** Return the `analyses` id of a loan's brief: `review-brief.{applicationId}`, or a hash of the id when it does not fit. */
export function reviewBriefAnalysisId(applicationId: string): string {
  const plain = `${REVIEW_BRIEF_KIND}.${applicationId}`;
  return ANALYSIS_ID_PATTERN.test(plain) ? plain : `${REVIEW_BRIEF_KIND}.${hashData(applicationId)}`;
}

/** What a brief's `analyses` row holds in `result`. */
export interface BriefRow {
  brief: ReviewBrief;
  facts: ReviewBriefFacts;
  droppedFields: readonly string[];
}

/** Return a loan's stored brief, or undefined when there is none (read under the tenant's row-level security). */
export async function loadReviewBrief(db: Kysely<MetisDatabase>, tenantId: string, applicationId: string): Promise<StoredReviewBrief | undefined> {
  const analysisId = reviewBriefAnalysisId(applicationId);
  const row = await selectAnalysisRow(db, tenantId, analysisId, REVIEW_BRIEF_KIND);
  if (!row) return undefined;
  const stored = row.result as unknown as BriefRow;
  return {
    tenantId: row.tenant_id,
    applicationId,
    analysisId: row.analysis_id,
    workflowId: row.workflow_id,
    brief: stored.brief,
    facts: stored.facts,
    droppedFields: stored.droppedFields,
    model: row.model,
    inputSha256: row.input_sha256,
    usage: storedUsage(row),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

