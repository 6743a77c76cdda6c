import type { CreditReportSummary } from '../bureau/summary.ts';

/** The applicant of a loan. */
export interface LoanApplicant {
  /** Tenant's id for the applicant. */
  readonly applicantId: string;
  readonly name: string;
  readonly pan: string;
  /** ISO date, e.g. `1990-04-01`. */
  readonly dateOfBirth: string;
  /** Monthly income in rupees. */
  readonly monthlyIncome: number;
  readonly employmentType?: 'salaried' | 'self_employed' | 'other';
  readonly phone?: string;
  readonly email?: string;
}

/** A loan application as a tenant's service submits it. */
export interface LoanApplication {
  /** Tenant's id for the application; the workflow id derives from it. */
  readonly applicationId: string;
  readonly applicant: LoanApplicant;
  /** Amount requested, in rupees. */
  readonly amount: number;
  readonly tenureMonths: number;
  readonly purpose?: string;
  /**
   * The applicant's KYC status; the SDK fills it from the KYC journey's status (`done` once it has
   * finished) when absent. The tenant's loan rules decide which values pass: the sample tenants'
   * rules (@metis/fsm) accept only `done`.
   */
  readonly kycStatus?: string;
  /** Documents already uploaded to the tenant's prefix. */
  readonly documents?: readonly { readonly kind: string; readonly documentId: string }[];
}

/** What the document step found. */
export interface DocumentCheck {
  readonly verified: boolean;
  readonly issues: readonly string[];
}

/** What the loan needs from a credit report: the bureau's summary of it. */
export type CreditSummary = CreditReportSummary;

/** A risk model's answer. */
export interface RiskAssessment {
  /** Probability of default in [0, 1]. */
  readonly riskScore: number;
  readonly riskCategory: 'low' | 'medium' | 'high';
  readonly modelVersion: string;
  readonly contributingFactors: Readonly<Record<string, number>>;
}

/** The decision stored for an application. */
export interface StoredDecision {
  readonly outcome: 'approve' | 'reject' | 'manual_review';
  readonly confidence: number;
  readonly reasons: readonly string[];
  readonly conditions: readonly string[];
  readonly approvedAmount?: number;
  /** Who decided: `rules`, or an operator id for a manual review. */
  readonly decidedBy: string;
}
