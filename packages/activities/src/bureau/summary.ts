import type { CreditReport } from './types.ts';

/** The figures a lending decision usually needs from a credit report. */
export interface CreditReportSummary {
  /** Provider that served the report. */
  readonly provider: string;
  /** The provider's report id. */
  readonly reportId: string;
  /** Score, 300-900. */
  readonly score: number;
  /** Accounts with status `active`. */
  readonly activeAccounts: number;
  /** Enquiries in the six months before `asOf`. */
  readonly enquiriesLast6Months: number;
  /** Worst days past due in the twelve months before `asOf`. */
  readonly maxDaysPastDue: number;
  /** Whole months since the oldest account was opened (0 with no accounts). */
  readonly historyMonths: number;
  /** Account-months with any days past due in the twelve months before `asOf` (absent from summaries made before it existed). */
  readonly missedPayments12m?: number;
  /** Active accounts other than credit cards: the open loans. */
  readonly openLoans?: number;
  /** Balance over limit of the active credit cards; `null` without a card with a limit. */
  readonly revolvingUtilisation?: number | null;
}

// Account types whose limit revolves: their balance counts towards utilisation, not as a loan.
const REVOLVING_ACCOUNT_TYPES: readonly string[] = ['credit_card'];

const monthIndex = (yyyyMm: string) => Number(yyyyMm.slice(0, 4)) * 12 + Number(yyyyMm.slice(5, 7)) - 1;

/** Summarise a report as of a date (default now). */
export function summarizeCreditReport(report: CreditReport, asOf: Date = new Date()): CreditReportSummary {
  const now = asOf.getUTCFullYear() * 12 + asOf.getUTCMonth();
  const sixMonthsAgo = new Date(asOf);
  sixMonthsAgo.setUTCMonth(sixMonthsAgo.getUTCMonth() - 6);
  const since = sixMonthsAgo.toISOString().slice(0, 10);
  let maxDaysPastDue = 0;
  let missedPayments12m = 0;
  let oldest = now;
  let openLoans = 0;
  let revolvingBalance = 0;
  let revolvingLimit = 0;
  for (const account of report.accounts) {
    oldest = Math.min(oldest, monthIndex(account.openedOn));
    for (const month of account.daysPastDue) {
      if (now - monthIndex(month.month) < 12) {
        maxDaysPastDue = Math.max(maxDaysPastDue, month.days);
        if (month.days > 0) missedPayments12m++;
      }
    }
    if (account.status !== 'active') continue;
    if (REVOLVING_ACCOUNT_TYPES.includes(account.type)) {
      revolvingBalance += account.currentBalance;
      revolvingLimit += account.sanctionedAmount;
    } else {
      openLoans++;
    }
  }
  return {
    provider: report.provider,
    reportId: report.reportId,
    score: report.score,
    activeAccounts: report.accounts.filter((a) => a.status === 'active').length,
    enquiriesLast6Months: report.enquiries.filter((e) => e.date >= since).length,
    maxDaysPastDue,
    historyMonths: Math.max(0, now - oldest),
    missedPayments12m,
    openLoans,
    revolvingUtilisation: revolvingLimit > 0 ? revolvingBalance / revolvingLimit : null,
  };
}
