import { defineQuery, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ApplicationFields, LlmActivities, StoredAnalysis } from '@metis/activities/llm';
import type { NotificationActivities } from '@metis/activities/notify';
import { LLM_ACTIVITY, PROVIDER_ACTIVITY, STORAGE_ACTIVITY } from './presets.ts';
import { MetisJourney, MetisOutcome, MetisState, MetisTenant } from './search-attributes.ts';
import { taskQueuePrefix } from './task-queues.ts';
import { onPool } from './priorities.ts';

/** Input of an analysis: which application to analyse, for whom, and who to tell. */
export interface AnalysisWorkflowInput {
  /** Tenant owning the application. */
  readonly tenantId: string;
  /** Id of the analysis, unique within the tenant (it is part of the workflow id). */
  readonly analysisId: string;
  /** What to produce (default `underwriting-note`). */
  readonly kind?: 'underwriting-note';
  /** The application's fields, as the form holds them. */
  readonly application: ApplicationFields;
  /** Extra instructions from the tenant for the model. */
  readonly instructions?: string;
  /** Notify on completion: `webhook` sends `analysis.completed` to the tenant's webhook through `deliverNotification`. */
  readonly notify?: { readonly webhook?: boolean };
}

/** Where an analysis is. */
export type AnalysisStage = 'analyzing' | 'storing' | 'notifying' | 'completed';

/** What the `analysis` query returns. */
export interface AnalysisView {
  readonly tenantId: string;
  readonly analysisId: string;
  readonly stage: AnalysisStage;
  /** The stored result, once there is one. */
  readonly result?: StoredAnalysis;
}

/** Query an analysis's stage and, once stored, its result. */
export const analysisQuery = defineQuery<AnalysisView>('analysis');

/** Build the workflow id of an analysis: `analysis:{tenantId}:{analysisId}` (starting twice never runs it twice). */
export function analysisWorkflowId(tenantId: string, analysisId: string): string {
  return `analysis:${tenantId}:${analysisId}`;
}

/**
 * Analyse an application with the LLM on the `metis-ai` pool, store the result on `metis-default`,
 * and optionally notify. Start it on `metis-ai` with `analysisWorkflowId`: the caller gets the id at
 * once and reads the result from the workflow, the `analysis` query, or `loadAnalysis`.
 */
export async function analysisWorkflow(input: AnalysisWorkflowInput): Promise<StoredAnalysis> {
  const info = workflowInfo();
  const prefix = taskQueuePrefix(info.taskQueue);
  const ai = proxyActivities<LlmActivities>({ ...LLM_ACTIVITY, ...onPool('ai', prefix) });
  const storage = proxyActivities<LlmActivities>({ ...STORAGE_ACTIVITY, ...onPool('default', prefix) });
  const kind = input.kind ?? 'underwriting-note';
  let view: AnalysisView = { tenantId: input.tenantId, analysisId: input.analysisId, stage: 'analyzing' };
  const stage = (next: AnalysisStage): void => {
    view = { ...view, stage: next };
    upsertSearchAttributes([{ key: MetisState, value: next }]);
  };
  setHandler(analysisQuery, () => view);
  upsertSearchAttributes([
    { key: MetisTenant, value: input.tenantId },
    { key: MetisJourney, value: 'analysis' },
  ]);
  stage('analyzing');
  const result = await ai.analyzeApplication({
    tenantId: input.tenantId,
    analysisId: input.analysisId,
    application: input.application,
    ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
  });
  stage('storing');
  const stored = await storage.storeAnalysis({ tenantId: input.tenantId, analysisId: input.analysisId, workflowId: info.workflowId, kind, result });
  view = { ...view, result: stored };
  if (input.notify?.webhook) {
    // The completion hook: a signed webhook through the notification activity, sent once per analysis.
    stage('notifying');
    const notifier = proxyActivities<NotificationActivities>({ ...PROVIDER_ACTIVITY, ...onPool('default', prefix) });
    await notifier.deliverNotification({
      tenantId: input.tenantId,
      idempotencyKey: `analysis:${input.analysisId}:completed:webhook`,
      channel: 'webhook',
      recipient: 'analysis.completed',
      template: 'analysis-completed',
      payload: { analysisId: input.analysisId, workflowId: info.workflowId, kind, recommendation: stored.note.recommendation, riskFlags: [...stored.note.risk_flags] },
    });
  }
  stage('completed');
  upsertSearchAttributes([{ key: MetisOutcome, value: stored.note.recommendation }]);
  return stored;
}
