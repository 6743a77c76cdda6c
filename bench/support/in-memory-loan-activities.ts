import type { StoredDecision } from '@metis/activities/loans';

/** Loan activities that answer at once from memory: a flood then costs the queues and the workers' slots, not a bureau. */
export const inMemoryLoanActivities = {
  recordLoanApplication: () => Promise.resolve({ created: true }),
  verifyLoanDocuments: () => Promise.resolve({ verified: true, issues: [] }),
  pullCreditSummary: () => Promise.resolve({ provider: 'fast', reportId: 'r', score: 800, activeAccounts: 2, enquiriesLast6Months: 0, maxDaysPastDue: 0, historyMonths: 60 }),
  assessRisk: () => Promise.resolve({ riskScore: 0.05, riskCategory: 'low' as const, modelVersion: 'fast', contributingFactors: {} }),
  recordLoanDecision: ({ decision }: { decision: StoredDecision }) => Promise.resolve({ decision, recorded: true }),
  openLoanAccount: () => Promise.resolve({ accountId: 'acct' }),
  disburseLoan: () => Promise.resolve({ transferId: 'tr' }),
  setLoanStatus: () => Promise.resolve(),
  deliverNotification: () => Promise.resolve({ notificationId: 'n', duplicate: false }),
  closeLoanAccount: () => Promise.resolve(),
  reverseDisbursement: () => Promise.resolve(),
};
