// The workflow bundle's entry: every export here is registered as a workflow type, so it
// exports workflow functions and nothing else.
export { documentIntakeWorkflow } from './document-intake-workflow.ts';
