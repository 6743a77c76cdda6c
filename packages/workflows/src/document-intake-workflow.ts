import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { DocumentActivities, RecordDocumentInput, RecordedDocument } from '@metis/activities/documents';
import { STORAGE_ACTIVITY } from './presets.ts';
import { MetisOutcome, MetisState } from './search-attributes.ts';
import { taskQueuePrefix } from './task-queues.ts';
import { onPool } from './priorities.ts';

/** Record a document uploaded to a tenant's prefix: verify it, store its row and its event, once. */
export async function documentIntakeWorkflow(input: RecordDocumentInput): Promise<RecordedDocument> {
  const { recordDocument } = proxyActivities<DocumentActivities>({
    ...STORAGE_ACTIVITY,
    ...onPool('default', taskQueuePrefix(workflowInfo().taskQueue)),
  });
  upsertSearchAttributes([{ key: MetisState, value: 'recording' }]);
  const recorded = await recordDocument(input);
  upsertSearchAttributes([
    { key: MetisState, value: 'recorded' },
    { key: MetisOutcome, value: 'stored' },
  ]);
  return recorded;
}

/** Build the workflow id of a document intake: `document:{tenantId}:{documentId}`. */
export function documentWorkflowId(tenantId: string, documentId: string): string {
  return `document:${tenantId}:${documentId}`;
}
