// Reading a loan's stored underwriter brief: database only, no model, no engine, so a client may
// load it (`@metis/activities/review-briefs`).
import type { Kysely, Selectable } from 'kysely';
import type { AnalysesTable, MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';
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

function briefOf(row: Selectable<AnalysesTable>, applicationId: string): StoredReviewBrief {
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

/** Return a loan's stored brief, or undefined when there is none (read under the tenant's row-level security). */
export async function loadReviewBrief(db: Kysely<MetisDatabase>, tenantId: string, applicationId: string): Promise<StoredReviewBrief | undefined> {
  const row = await selectAnalysisRow(db, tenantId, reviewBriefAnalysisId(applicationId), REVIEW_BRIEF_KIND);
  return row ? briefOf(row, applicationId) : undefined;
}

/** Return the stored briefs of several loans in one query, by application id (those without one are absent). */
export async function loadReviewBriefs(db: Kysely<MetisDatabase>, tenantId: string, applicationIds: readonly string[]): Promise<Map<string, StoredReviewBrief>> {
  const byAnalysis = new Map(applicationIds.map((id) => [reviewBriefAnalysisId(id), id] as const));
  const briefs = new Map<string, StoredReviewBrief>();
  if (byAnalysis.size === 0) return briefs;
  const rows = await withTenant(db, tenantId, (trx) => trx.selectFrom('analyses').selectAll().where('kind', '=', REVIEW_BRIEF_KIND).where('analysis_id', 'in', [...byAnalysis.keys()]).execute());
  for (const row of rows) {
    const applicationId = byAnalysis.get(row.analysis_id);
    if (applicationId !== undefined) briefs.set(applicationId, briefOf(row, applicationId));
  }
  return briefs;
}
