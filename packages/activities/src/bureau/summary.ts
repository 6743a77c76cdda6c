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
}

const monthIndex = (yyyyMm: string) => Number(yyyyMm.slice(0, 4)) * 12 + Number(yyyyMm.slice(5, 7)) - 1;

/** Summarise a report as of a date (default now). */
export function summarizeCreditReport(report: CreditReport, asOf: Date = new Date()): CreditReportSummary {
  const now = asOf.getUTCFullYear() * 12 + asOf.getUTCMonth();
  const sixMonthsAgo = new Date(asOf);
  sixMonthsAgo.setUTCMonth(sixMonthsAgo.getUTCMonth() - 6);
  const since = sixMonthsAgo.toISOString().slice(0, 10);
  let maxDaysPastDue = 0;
  let oldest = now;
  for (const account of report.accounts) {
    oldest = Math.min(oldest, monthIndex(account.openedOn));
    for (const month of account.daysPastDue) {
      if (now - monthIndex(month.month) < 12) maxDaysPastDue = Math.max(maxDaysPastDue, month.days);
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
  };
}
