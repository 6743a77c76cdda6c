export { documentIntakeWorkflow, documentWorkflowId } from './document-intake-workflow.ts';
export { MetisTenant, MetisJourney, MetisState, MetisOutcome, METIS_SEARCH_ATTRIBUTES } from './search-attributes.ts';
export { POOLS, taskQueueName, taskQueuePrefix } from './task-queues.ts';
export type { Pool } from './task-queues.ts';
export { STORAGE_RETRY, PROVIDER_RETRY, STORAGE_ACTIVITY, AI_ACTIVITY } from './presets.ts';
