import type { JourneyConfigInput } from '../config/journey-schema.ts';
import type { RuleSetInput } from '../decision/rule-set-schema.ts';
import { tenantLoanJourney } from './loan.ts';

/** Acme Finance's KYC: the standard flow plus date of birth (18+), 5 MB images. */
export const acmeKycJourney: JourneyConfigInput = {
  journey_type: 'kyc',
  version: 'acme-2025.2',
  name: 'Acme Finance KYC',
  fields: {
    name: { type: 'string', pii: true },
    email: { type: 'email', pii: true },
    phone: { type: 'phone', pii: true },
    date_of_birth: { type: 'date', pii: true },
    pan_number: { type: 'string', pii: true },
    pan_image: { type: 'document', pii: true },
    aadhar_number: { type: 'string', pii: true },
    aadhar_image: { type: 'document', pii: true },
    additional_document: { type: 'document', pii: true },
  },
  states: [
    {
      state_name: 'provide_personal_details',
      valid_next_states: ['provide_pan_details'],
      required_fields: ['name', 'email', 'phone', 'date_of_birth'],
      validation_rules: ['email_format', 'phone_format', 'date_format', { rule: 'min_age', params: { min: 18 } }],
    },
    {
      state_name: 'provide_pan_details',
      valid_next_states: ['provide_aadhar_details'],
      required_fields: ['pan_number', 'pan_image'],
      validation_rules: [{ rule: 'pan_format', params: { holder_types: ['P'] } }, { rule: 'image_size', params: { max_bytes: 5_000_000 } }],
    },
    {
      state_name: 'provide_aadhar_details',
      valid_next_states: ['document_verification'],
      required_fields: ['aadhar_number', 'aadhar_image'],
      validation_rules: ['aadhar_format', { rule: 'image_size', params: { max_bytes: 5_000_000 } }, 'image_quality'],
    },
    {
      state_name: 'document_verification',
      description: 'Read the PAN and Aadhaar cards by OCR and cross-check them with what the applicant typed.',
      valid_next_states: ['completed', 'provide_additional_docs'],
      automated: true,
      automation: { name: 'metis.verify_documents', params: { name_threshold: 0.85 } },
      timeout: '5m',
      guards: { completed: { when: { field: 'results.document_verification.verified', operator: 'eq', value: true } } },
    },
    {
      state_name: 'provide_additional_docs',
      valid_next_states: ['document_verification'],
      required_fields: ['additional_document'],
      validation_rules: ['image_size', 'image_quality'],
    },
    { state_name: 'completed', final_state: true },
  ],
};

/** Acme Finance's loan journey: the standard flow, amounts ₹25,000 – ₹25,00,000. */
export const acmeLoanJourney: JourneyConfigInput = tenantLoanJourney('acme-2025.2', 'Acme Finance personal loan', { amount: [25_000, 2_500_000], tenureMonths: [6, 60] });

/** Acme Finance's decision rules: bureau floor 650, manual review above ₹10,00,000. */
export const acmeRuleSet: RuleSetInput = {
  tenant_id: 'acme-finance',
  version: '2025.1',
  name: 'Acme Finance credit policy',
  default_outcome: 'manual_review',
  model: { approve_below: 0.3, reject_above: 0.7, weight: 0.4 },
  rules: [
    {
      id: 'kyc_not_completed',
      name: 'KYC must be completed',
      priority: 1000,
      conditions: [{ field: 'kyc.status', operator: 'ne', value: 'done' }],
      actions: [{ type: 'reject', params: { reason: 'KYC is not complete' } }],
      stop: true,
    },
    {
      id: 'bureau_floor',
      name: 'Bureau score below 650',
      priority: 900,
      conditions: [{ field: 'bureau.score', operator: 'lt', value: 650 }],
      actions: [{ type: 'reject', params: { reason: 'Credit score below policy minimum' } }],
    },
    {
      id: 'high_value',
      name: 'High-value loan',
      priority: 500,
      conditions: [{ field: 'loan.amount', operator: 'gt', value: 1_000_000 }],
      actions: [{ type: 'manual_review', params: { reason: 'Amount above ₹10,00,000 needs an underwriter' } }],
    },
    {
      id: 'stretched_income',
      name: 'EMI is a large share of income',
      priority: 400,
      conditions: [{ field: 'applicant.emi_to_income', operator: 'between', value: [0.4, 0.6] }],
      actions: [
        { type: 'cap_amount', params: { max_amount: 500_000 } },
        { type: 'add_condition', params: { condition: 'Salary account standing instruction for EMIs' } },
      ],
    },
    {
      id: 'thin_file',
      name: 'Short credit history',
      priority: 300,
      conditions: [{ any: [{ field: 'bureau.history_months', operator: 'lt', value: 12 }, { field: 'bureau.history_months', operator: 'exists', value: false }] }],
      actions: [{ type: 'add_condition', params: { condition: 'Co-applicant or guarantor required' } }],
    },
    {
      id: 'prime_salaried',
      name: 'Prime salaried applicant',
      priority: 100,
      conditions: [
        { field: 'bureau.score', operator: 'gte', value: 750 },
        { field: 'applicant.employment_type', operator: 'in', value: ['salaried', 'government'] },
      ],
      actions: [{ type: 'approve', params: { reason: 'Strong bureau score and stable employment' } }],
    },
  ],
};
