import type { Kysely, Selectable } from 'kysely';
import type { AnalysesTable, MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';

/** What an analysis id may look like: the `analyses` key of notes and briefs. */
export const ANALYSIS_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Usage columns of a stored analysis, as read back. */
export interface StoredUsage {
  readonly promptTokens: number;
  readonly generatedTokens: number;
  readonly generationMs: number;
  readonly tokensPerSecond: number;
}

/** One completed analysis to store. */
export interface AnalysisRowInput {
  readonly tenantId: string;
  readonly analysisId: string;
  readonly workflowId: string;
  readonly kind: string;
  readonly inputSha256: string;
  /** The JSON kept in `result`. */
  readonly result: unknown;
  readonly model: string;
  readonly usage: StoredUsage;
}

/** Insert a completed analysis once (a repeat keeps the first), under the tenant's row-level security. */
export async function insertAnalysisRow(db: Kysely<MetisDatabase>, row: AnalysisRowInput): Promise<void> {
  await withTenant(db, row.tenantId, (trx) =>
    trx
      .insertInto('analyses')
      .values({
        tenant_id: row.tenantId,
        analysis_id: row.analysisId,
        workflow_id: row.workflowId,
        kind: row.kind,
        status: 'completed',
        input_sha256: row.inputSha256,
        result: JSON.stringify(row.result),
        model: row.model,
        prompt_tokens: row.usage.promptTokens,
        generated_tokens: row.usage.generatedTokens,
        generation_ms: row.usage.generationMs,
        tokens_per_second: row.usage.tokensPerSecond,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'analysis_id']).doNothing())
      .execute(),
  );
}

/** Read a stored analysis row, or undefined when there is none (under the tenant's row-level security); `kind` narrows it. */
export async function selectAnalysisRow(db: Kysely<MetisDatabase>, tenantId: string, analysisId: string, kind?: string): Promise<Selectable<AnalysesTable> | undefined> {
  return withTenant(db, tenantId, (trx) => {
    const query = trx.selectFrom('analyses').selectAll().where('analysis_id', '=', analysisId);
    return (kind === undefined ? query : query.where('kind', '=', kind)).executeTakeFirst();
  });
}

/** Return a row's usage columns. */
export function storedUsage(row: Selectable<AnalysesTable>): StoredUsage {
  return { promptTokens: row.prompt_tokens, generatedTokens: row.generated_tokens, generationMs: row.generation_ms, tokensPerSecond: row.tokens_per_second };
}
