/** The person a credit report is pulled for. */
export interface BureauApplicant {
  /** PAN, 5 capital letters, 4 digits, 1 capital letter. */
  readonly pan: string;
  /** Full name as on the PAN. */
  readonly name: string;
  /** Date of birth, `YYYY-MM-DD`. */
  readonly dateOfBirth: string;
  /** Mobile number, if the bureau wants it for matching. */
  readonly phone?: string;
  /** Postal code of the current address, if the bureau wants it for matching. */
  readonly postalCode?: string;
}

/** Status of a credit account as the bureau reports it. */
export type CreditAccountStatus = 'active' | 'closed' | 'written_off' | 'settled';

/** Days past due for one month of an account's repayment history. */
export interface MonthlyDaysPastDue {
  /** Month, `YYYY-MM`. */
  readonly month: string;
  /** Days past due at the end of that month (0 when paid on time). */
  readonly days: number;
}

/** One loan or card account (tradeline) on a credit report. */
export interface CreditAccount {
  /** The bureau's account reference (masked, never a full account number). */
  readonly accountId: string;
  /** Product, e.g. `credit_card`, `personal_loan`, `home_loan`. */
  readonly type: string;
  /** Lender that reported the account. */
  readonly lender: string;
  /** Account status. */
  readonly status: CreditAccountStatus;
  /** Date the account was opened, `YYYY-MM-DD`. */
  readonly openedOn: string;
  /** Sanctioned amount or credit limit, in rupees. */
  readonly sanctionedAmount: number;
  /** Outstanding balance, in rupees. */
  readonly currentBalance: number;
  /** Repayment history, most recent month first. */
  readonly daysPastDue: readonly MonthlyDaysPastDue[];
}

/** One credit enquiry (a lender looking at the applicant's report). */
export interface CreditEnquiry {
  /** Date of the enquiry, `YYYY-MM-DD`. */
  readonly date: string;
  /** Lender that made it. */
  readonly lender: string;
  /** Purpose, e.g. `personal_loan`. */
  readonly purpose: string;
  /** Amount applied for, in rupees. */
  readonly amount: number;
}

/** A credit report in Metis's one shape, whatever bureau it came from. */
export interface CreditReport {
  /** Name of the provider that served it. */
  readonly provider: string;
  /** The provider's report id. */
  readonly reportId: string;
  /** When the provider generated it, ISO 8601. */
  readonly generatedAt: string;
  /** Credit score, 300-900. */
  readonly score: number;
  /** Credit accounts (tradelines). */
  readonly accounts: readonly CreditAccount[];
  /** Credit enquiries, most recent first. */
  readonly enquiries: readonly CreditEnquiry[];
}

/** Per-call options a provider receives. */
export interface BureauPullOptions {
  /** Aborted when the call must stop: breaker timeout, activity cancellation. */
  readonly signal?: AbortSignal;
}

/** A credit bureau Metis can pull reports from. */
export interface BureauProvider {
  /** Provider name, lower-case (`a`, `cibil`, `experian-in`); it names events and metric labels. */
  readonly name: string;
  /** How long one pull may take, in milliseconds. */
  readonly timeoutMs: number;
  /** Pull a complete, validated report or throw a `BureauProviderError`. */
  pull(applicant: BureauApplicant, options?: BureauPullOptions): Promise<CreditReport>;
}
