import type { CreditSummary, LoanApplication } from '../loans/loan-types.ts';
import { InvalidRiskInputError } from './errors.ts';

/**
 * The features a loan gives a risk model, in the input-column order the sample models are trained
 * on (`trainRiskModel` in @metis/testing uses this list, so the names cannot drift apart). A
 * tenant's own model may use any subset of them, in any order: the scorer picks features by name.
 */
export const LOAN_RISK_FEATURES = [
  { name: 'credit_score', transform: 'identity', description: 'Bureau score, 300-900.' },
  { name: 'monthly_income', transform: 'log1p', description: 'Net monthly income in rupees (log-transformed).' },
  { name: 'debt_to_income', transform: 'identity', description: 'Monthly debt payments, including the new loan, over monthly income.' },
  { name: 'loan_to_income', transform: 'identity', description: 'Requested amount over annual income.' },
  { name: 'employment_years', transform: 'identity', description: 'Years with the current employer.' },
  { name: 'age', transform: 'identity', description: 'Age in years.' },
  { name: 'missed_payments_12m', transform: 'identity', description: 'Missed payments on the bureau report in the last 12 months.' },
  { name: 'credit_utilization', transform: 'identity', description: 'Revolving balance over revolving limit, 0-1.' },
  { name: 'existing_loans', transform: 'identity', description: 'Open loans on the bureau report.' },
  { name: 'kyc_mismatch', transform: 'identity', description: '1 when KYC documents disagree on name or date of birth, else 0.' },
] as const;

/** Name of a loan risk feature. */
export type LoanRiskFeatureName = (typeof LOAN_RISK_FEATURES)[number]['name'];

/** How the features are computed. */
export interface LoanRiskFeatureOptions {
  /** Date the applicant's age is taken at (default now). */
  readonly asOf?: Date;
  /** Annual interest rate the new loan's instalment is computed at (default 0.14, the loan policy's default). */
  readonly annualRate?: number;
}

/** A loan's features: the ones known, and the ones neither the application nor the credit report gave. */
export interface LoanRiskFeatureSet {
  /** Feature values by name. */
  readonly features: Readonly<Partial<Record<LoanRiskFeatureName, number>>>;
  /** Features left out, in `LOAN_RISK_FEATURES` order. */
  readonly missing: readonly LoanRiskFeatureName[];
}

/** Return the monthly instalment of `amount` at `annualRate` over `months` (an annuity; principal over months at rate 0). */
export function loanInstalment(amount: number, annualRate: number, months: number): number {
  const r = annualRate / 12;
  if (r === 0) return amount / months;
  const f = (1 + r) ** months;
  return (amount * r * f) / (f - 1);
}

/** Return whole years from a `YYYY-MM-DD` birth date to `asOf` (UTC), or undefined for an unreadable date. */
function ageAt(dateOfBirth: string, asOf: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const beforeBirthday = asOf.getUTCMonth() + 1 < mo || (asOf.getUTCMonth() + 1 === mo && asOf.getUTCDate() < d);
  const age = asOf.getUTCFullYear() - y - (beforeBirthday ? 1 : 0);
  return age >= 0 ? age : undefined;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Assemble a loan's risk features from the application and the bureau summary (pure):
 *
 * - `credit_score` = the bureau score; `missed_payments_12m`, `existing_loans` (open loans) and
 *   `credit_utilization` (card balance over card limit) come from the summary too;
 * - `monthly_income` = the applicant's monthly income; `loan_to_income` = amount / (12 × income);
 * - `debt_to_income` = (existing monthly EMIs + the new loan's instalment at `annualRate` over its
 *   tenure) / income, when the applicant declared their existing EMIs;
 * - `employment_years` as declared; `age` from the date of birth at `asOf`;
 * - `kyc_mismatch` = 1 or 0 when the application says whether the KYC documents disagree.
 *
 * Anything not given (no credit report, an undeclared figure, a summary without the field) is listed
 * in `missing`. Throws `InvalidRiskInputError` for a non-positive income, amount or tenure.
 */
export function loanRiskFeatures(application: LoanApplication, credit: CreditSummary | null, options: LoanRiskFeatureOptions = {}): LoanRiskFeatureSet {
  const { applicant } = application;
  const income = applicant.monthlyIncome;
  const invalid = [
    ...(finite(income) && income > 0 ? [] : ['monthly_income']),
    ...(finite(application.amount) && application.amount > 0 ? [] : ['amount']),
    ...(Number.isInteger(application.tenureMonths) && application.tenureMonths > 0 ? [] : ['tenure_months']),
  ];
  if (invalid.length > 0) throw new InvalidRiskInputError(invalid, 'must be positive');
  const emi = applicant.existingMonthlyEmi;
  const candidates: Record<LoanRiskFeatureName, number | null | undefined> = {
    credit_score: credit?.score,
    monthly_income: income,
    debt_to_income: finite(emi) && emi >= 0 ? (emi + loanInstalment(application.amount, options.annualRate ?? 0.14, application.tenureMonths)) / income : undefined,
    loan_to_income: application.amount / (12 * income),
    employment_years: finite(applicant.employmentYears) && applicant.employmentYears >= 0 ? applicant.employmentYears : undefined,
    age: ageAt(applicant.dateOfBirth, options.asOf ?? new Date()),
    missed_payments_12m: credit?.missedPayments12m,
    credit_utilization: credit?.revolvingUtilisation,
    existing_loans: credit?.openLoans,
    kyc_mismatch: application.kycMismatch === undefined ? undefined : application.kycMismatch ? 1 : 0,
  };
  const features: Partial<Record<LoanRiskFeatureName, number>> = {};
  const missing: LoanRiskFeatureName[] = [];
  for (const { name } of LOAN_RISK_FEATURES) {
    const value = candidates[name];
    if (finite(value)) features[name] = value;
    else missing.push(name);
  }
  return { features, missing };
}
