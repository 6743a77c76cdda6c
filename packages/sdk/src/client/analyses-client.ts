import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { ApplicationFields, StoredAnalysis } from '@metis/activities/llm';
import { analysisQuery, analysisWorkflow, analysisWorkflowId, metisSearchAttributes, taskQueueName } from '@metis/workflows';
import type { AnalysisView } from '@metis/workflows';
import { MetisError } from '@metis/activities/errors';
import { orNotFound } from './failures.ts';
import type { TenantPriority } from './fairness.ts';

/** An analysis to run. */
export interface AnalysisRequest {
  /** Id to run it under (default a random UUID); submitting the same id twice runs it once. */
  readonly analysisId?: string;
  /** The application's fields, as the form holds them. */
  readonly application: ApplicationFields;
  /** Extra instructions for the model. */
  readonly instructions?: string;
  /** Send `analysis.completed` to the tenant's webhook when done. */
  readonly webhook?: boolean;
}

/** A tenant's LLM analyses (the seed's "Analyze Form" flow). */
export interface TenantAnalyses {
  /** Accept an analysis at once and return its id; the work runs on the `metis-ai` pool. */
  submit(request: AnalysisRequest): Promise<{ analysisId: string; workflowId: string; started: boolean }>;
  /** Return where an analysis stands, with its result once stored. */
  get(analysisId: string): Promise<AnalysisView>;
  /** Wait for the stored result. */
  result(analysisId: string): Promise<StoredAnalysis>;
}

/** Create the analyses API of one tenant. */
export function tenantAnalyses(client: Client, tenantId: string, prefix: string | undefined, priority: TenantPriority): TenantAnalyses {
  const handle = (analysisId: string) => client.workflow.getHandle<typeof analysisWorkflow>(analysisWorkflowId(tenantId, analysisId));
  return {
    async submit(request) {
      const analysisId = request.analysisId ?? crypto.randomUUID();
      const workflowId = analysisWorkflowId(tenantId, analysisId);
      try {
        await client.workflow.start(analysisWorkflow, {
          workflowId,
          taskQueue: taskQueueName('ai', prefix),
          priority: priority('ai'),
          args: [{ tenantId, analysisId, application: request.application, ...(request.instructions ? { instructions: request.instructions } : {}), ...(request.webhook ? { notify: { webhook: true } } : {}) }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          typedSearchAttributes: metisSearchAttributes(tenantId, 'analysis', 'analyzing'),
        });
        return { analysisId, workflowId, started: true };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return { analysisId, workflowId, started: false };
        throw error;
      }
    },
    get: (analysisId) => orNotFound(handle(analysisId).query(analysisQuery), () => new MetisError('ANALYSIS_NOT_FOUND', `no analysis ${analysisWorkflowId(tenantId, analysisId)}`)),
    result: (analysisId) => handle(analysisId).result(),
  };
}
