// The workflow bundle's entry: every export here is registered as a workflow type, so it
// exports workflow functions and nothing else.
export { documentIntakeWorkflow } from './document-intake-workflow.ts';
export { journeyWorkflow } from './journey/journey-workflow.ts';
export { loanProcessingWorkflow } from './loan/loan-workflow.ts';
export { analysisWorkflow } from './analysis-workflow.ts';
export { analyticsExportWorkflow, analyticsReportWorkflow } from './analytics-export-workflow.ts';
