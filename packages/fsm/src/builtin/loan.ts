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
