import type { CreditReportSummary } from '../bureau/summary.ts';

/** An applicant's employment type, as the sample loan journeys ask for it (the rules read it as `applicant.employment_type`). */
export type EmploymentType = 'salaried' | 'self_employed' | 'government' | 'student' | 'retired' | 'other';

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
  readonly employmentType?: EmploymentType;
  /** Years with the current employer (or in the current business); the risk model's `employment_years`. */
  readonly employmentYears?: number;
  /** Instalments the applicant already pays each month on other loans, in rupees; with the new loan's, the risk model's `debt_to_income`. */
  readonly existingMonthlyEmi?: number;
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
  /** Whether the KYC documents disagree on the applicant's name or date of birth; the risk model's `kyc_mismatch`. */
  readonly kycMismatch?: boolean;
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

/** Name of a risk band: the built-in bands, or any band a tenant's model defines. */
export type RiskCategory = 'low' | 'medium' | 'high' | 'very_high' | (string & {});

/** A risk model's answer. */
export interface RiskAssessment {
  /** Probability of default in [0, 1]. */
  readonly riskScore: number;
  /** The model's band for `riskScore`. */
  readonly riskCategory: RiskCategory;
  /** Version of the model that scored (the registry's, for the built-in check). */
  readonly modelVersion: string;
  /** How far each feature moved the score, by feature name (logit units for the built-in check; positive raises risk). */
  readonly contributingFactors: Readonly<Record<string, number>>;
  /** Features the application and credit report did not give, scored at the model's training mean (contribution 0). */
  readonly imputedFeatures?: readonly string[];
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
  /** The risk assessment the decision was made with, when the workflow records it. */
  readonly risk?: Pick<RiskAssessment, 'riskScore' | 'riskCategory' | 'modelVersion' | 'contributingFactors'>;
}
