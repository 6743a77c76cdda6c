import type { JourneyConfigInput } from '../config/journey-schema.ts';

const review = (outcome: string) => ({ when: { field: 'data.review_outcome', operator: 'eq', value: outcome } }) as const;
const decided = (outcome: string) => ({ when: { field: 'results.decision.outcome', operator: 'eq', value: outcome } }) as const;

/** The loan journey: application → documents → bureau check → risk assessment → decision → approved / rejected / manual review → disbursed. */
export const loanJourney: JourneyConfigInput = {
  journey_type: 'loan',
  version: '1.0.0',
  name: 'Personal loan',
  description: 'Loan application with bureau check, model risk assessment and a rules-based decision.',
  fields: {
    loan_amount: { type: 'number', label: 'Amount (₹)' },
    tenure_months: { type: 'integer', label: 'Tenure (months)' },
    purpose: { type: 'string', label: 'Purpose' },
    monthly_income: { type: 'number', label: 'Monthly income (₹)', pii: true },
    employment_type: { type: 'string', label: 'Employment type' },
    bank_statement: { type: 'document', label: 'Bank statement (last 6 months)', pii: true },
    salary_slip: { type: 'document', label: 'Latest salary slip', pii: true },
    review_outcome: { type: 'string', label: 'Reviewer decision (approve or reject)' },
    reviewer_id: { type: 'string', label: 'Reviewer' },
    accept_terms: { type: 'boolean', label: 'I accept the loan agreement' },
    bank_account_number: { type: 'string', label: 'Account for disbursement', pii: true },
    ifsc_code: { type: 'string', label: 'IFSC' },
  },
  states: [
    {
      state_name: 'application',
      valid_next_states: ['documents'],
      required_fields: ['loan_amount', 'tenure_months', 'purpose', 'monthly_income', 'employment_type'],
      validation_rules: [
        { rule: 'number_range', fields: ['loan_amount'], params: { min: 10_000, max: 5_000_000 } },
        { rule: 'number_range', fields: ['tenure_months'], params: { min: 3, max: 84 } },
        { rule: 'pattern', fields: ['employment_type'], params: { pattern: '^(salaried|self_employed|government|student|retired)$', description: 'Choose salaried, self_employed, government, student or retired.' } },
      ],
    },
    {
      state_name: 'documents',
      valid_next_states: ['bureau_check'],
      required_fields: ['bank_statement', 'salary_slip'],
      validation_rules: ['image_size', 'image_quality'],
    },
    {
      state_name: 'bureau_check',
      description: 'Pull the credit bureau report; an unavailable bureau sends the application to manual review.',
      valid_next_states: ['risk_assessment', 'manual_review'],
      automated: true,
      timeout: '2m',
      on_timeout: 'manual_review',
      guards: { risk_assessment: { when: { field: 'results.bureau_check.status', operator: 'eq', value: 'ok' } } },
    },
    {
      state_name: 'risk_assessment',
      description: 'Score the application with the tenant’s risk model.',
      valid_next_states: ['decision', 'manual_review'],
      automated: true,
      timeout: '1m',
      on_timeout: 'manual_review',
      guards: { decision: { when: { field: 'results.risk_assessment.score', operator: 'between', value: [0, 1] } } },
    },
    {
      state_name: 'decision',
      description: 'Run the tenant’s decision rules with the model score.',
      valid_next_states: ['approved', 'rejected', 'manual_review'],
      automated: true,
      timeout: '30s',
      on_timeout: 'manual_review',
      guards: { approved: decided('approve'), rejected: decided('reject') },
    },
    {
      state_name: 'manual_review',
      description: 'An underwriter approves or rejects; the timer re-arms as a reminder.',
      valid_next_states: ['approved', 'rejected'],
      required_fields: ['review_outcome', 'reviewer_id'],
      validation_rules: [{ rule: 'pattern', fields: ['review_outcome'], params: { pattern: '^(approve|reject)$', description: 'The review outcome is approve or reject.' } }],
      timeout: '2d',
      guards: { approved: review('approve'), rejected: review('reject') },
    },
    {
      state_name: 'approved',
      description: 'The applicant accepts the offer and names the account to pay into.',
      valid_next_states: ['disbursed'],
      required_fields: ['accept_terms', 'bank_account_number', 'ifsc_code'],
      validation_rules: [
        'consent',
        'ifsc_format',
        { rule: 'pattern', fields: ['bank_account_number'], params: { pattern: '^\\d{9,18}$', description: 'A bank account number has 9 to 18 digits.' } },
      ],
    },
    { state_name: 'rejected', final_state: true },
    { state_name: 'disbursed', final_state: true },
  ],
};

const underwritten = (field: string, value: string | boolean) => ({ when: { field: `results.underwriting.${field}`, operator: 'eq', value } }) as const;

/**
 * The loan journey as one process: the applicant applies and uploads documents, then the automated
 * `underwriting` state runs Metis' loan processing (documents, bureau waterfall, the tenant's risk
 * model, its decision rules, a manual review with an LLM brief when the rules ask for one, the
 * payout) as a child workflow and moves on its decision.
 */
export const underwrittenLoanJourney: JourneyConfigInput = {
  journey_type: 'loan',
  version: '2.0.0',
  name: 'Personal loan',
  description: 'Loan application underwritten by Metis loan processing: bureau, risk model, rules, review, payout.',
  fields: {
    name: { type: 'string', label: 'Full name (as on PAN)', pii: true },
    pan_number: { type: 'string', label: 'PAN', pii: true },
    date_of_birth: { type: 'date', label: 'Date of birth', pii: true },
    phone: { type: 'phone', label: 'Mobile', pii: true },
    loan_amount: { type: 'number', label: 'Amount (₹)' },
    tenure_months: { type: 'integer', label: 'Tenure (months)' },
    purpose: { type: 'string', label: 'Purpose' },
    monthly_income: { type: 'number', label: 'Monthly income (₹)', pii: true },
    existing_emis: { type: 'number', label: 'Existing EMIs per month (₹)', pii: true },
    employment_type: { type: 'string', label: 'Employment type' },
    employment_years: { type: 'number', label: 'Years in current employment' },
    accept_terms: { type: 'boolean', label: 'I accept the loan agreement and the credit bureau check' },
    bank_statement: { type: 'document', label: 'Bank statement (last 6 months)', pii: true },
    salary_slip: { type: 'document', label: 'Latest salary slip (optional)', pii: true },
  },
  states: [
    {
      state_name: 'application',
      valid_next_states: ['documents'],
      required_fields: ['name', 'pan_number', 'date_of_birth', 'loan_amount', 'tenure_months', 'purpose', 'monthly_income', 'employment_type', 'accept_terms'],
      validation_rules: [
        'pan_format',
        'date_format',
        'consent',
        { rule: 'number_range', fields: ['loan_amount'], params: { min: 10_000, max: 5_000_000 } },
        { rule: 'number_range', fields: ['tenure_months'], params: { min: 3, max: 84 } },
        { rule: 'number_range', fields: ['existing_emis'], params: { min: 0, max: 10_000_000 } },
        { rule: 'number_range', fields: ['employment_years'], params: { min: 0, max: 60 } },
        { rule: 'pattern', fields: ['employment_type'], params: { pattern: '^(salaried|self_employed|government|student|retired)$', description: 'Choose salaried, self_employed, government, student or retired.' } },
      ],
    },
    {
      state_name: 'documents',
      valid_next_states: ['underwriting'],
      required_fields: ['bank_statement'],
      validation_rules: ['image_size', 'image_quality'],
    },
    {
      state_name: 'underwriting',
      description: 'Loan processing runs as a child workflow: bureau, risk model, rules, review, payout.',
      valid_next_states: ['disbursed', 'approved', 'rejected', 'referred'],
      automated: true,
      automation: 'metis.underwrite_loan',
      timeout: '14d',
      on_timeout: 'referred',
      guards: {
        disbursed: underwritten('disbursed', true),
        approved: underwritten('outcome', 'approve'),
        rejected: underwritten('outcome', 'reject'),
      },
    },
    { state_name: 'disbursed', description: 'Approved and paid out.', final_state: true },
    { state_name: 'approved', description: 'Approved; the payout is the tenant’s to make.', final_state: true },
    { state_name: 'rejected', final_state: true },
    { state_name: 'referred', description: 'No underwriter decided within the review timeout: the application stays with the tenant’s team.', final_state: true },
  ],
};

/** Limits a tenant puts on what its applicants may ask for. */
export interface LoanLimits {
  readonly amount: readonly [number, number];
  readonly tenureMonths: readonly [number, number];
}

/** Give the underwritten loan journey a tenant's version, name and limits (other rules unchanged). */
export function tenantLoanJourney(version: string, name: string, limits: LoanLimits): JourneyConfigInput {
  const range = (field: string, [min, max]: readonly [number, number]) => ({ rule: 'number_range', fields: [field], params: { min, max } });
  return {
    ...underwrittenLoanJourney,
    version,
    name,
    states: underwrittenLoanJourney.states.map((s) =>
      s.state_name === 'application'
        ? {
            ...s,
            validation_rules: (s.validation_rules ?? []).map((r) => {
              const fields = typeof r === 'string' ? undefined : r.fields;
              if (fields?.[0] === 'loan_amount') return range('loan_amount', limits.amount);
              if (fields?.[0] === 'tenure_months') return range('tenure_months', limits.tenureMonths);
              return r;
            }),
          }
        : s,
    ),
  };
}
