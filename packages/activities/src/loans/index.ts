// @metis/activities/loans: loan checks, decisions, payouts and dead letters.
export { createLoanActivities, NOT_CONFIGURED } from './loan-activities.ts';
export type { LoanActivities, LoanActivityDeps, LoanCheckActivities, LoanRecordActivities, LoanStepInput } from './loan-activities.ts';
export type { CreditSummary, DocumentCheck, EmploymentType, LoanApplicant, LoanApplication, RiskAssessment, RiskCategory, StoredDecision } from './loan-types.ts';
export { createHttpDisbursementProvider, DisbursementError } from './disbursement.ts';
export type { DisbursementProvider, HttpDisbursementConfig } from './disbursement.ts';
export { createDeadLetterActivities } from '../dead-letters/dead-letter-activities.ts';
export type { DeadLetterActivities, DeadLetterInput } from '../dead-letters/dead-letter-activities.ts';
