import type { JourneyConfigInput } from '../config/journey-schema.ts';
import type { RuleSetInput } from '../decision/rule-set-schema.ts';
import { tenantLoanJourney } from './loan.ts';

const strictQuality = { rule: 'image_quality', params: { max_blur: 0.4, min_brightness: 0.25, require_scores: true } } as const;
const smallImages = { rule: 'image_size', params: { max_bytes: 2_000_000, min_width: 600, min_height: 400 } } as const;

/** Zenith Microfinance's KYC: no Aadhaar; a bank statement instead; 21+; stricter image checks; timeouts go to review. */
export const zenithKycJourney: JourneyConfigInput = {
  journey_type: 'kyc',
  version: 'zenith-4',
  name: 'Zenith Microfinance KYC',
  fields: {
    name: { type: 'string', pii: true },
    email: { type: 'email', pii: true },
    mobile: { type: 'phone', pii: true },
    dob: { type: 'date', pii: true },
    pan_number: { type: 'string', pii: true },
    pan_image: { type: 'document', pii: true },
    bank_statement: { type: 'document', pii: true },
    additional_document: { type: 'document', pii: true },
    reviewer_id: { type: 'string' },
    review_outcome: { type: 'string' },
  },
  states: [
    {
      state_name: 'provide_personal_details',
      valid_next_states: ['provide_pan_details'],
      required_fields: ['name', 'email', 'mobile', 'dob'],
      validation_rules: ['email_format', 'phone_format', { rule: 'min_age', params: { min: 21 } }, { rule: 'max_age', params: { max: 65 } }],
    },
    {
      state_name: 'provide_pan_details',
      valid_next_states: ['provide_bank_statement'],
      required_fields: ['pan_number', 'pan_image'],
      validation_rules: ['pan_format', smallImages, strictQuality],
    },
    {
      state_name: 'provide_bank_statement',
      valid_next_states: ['document_verification'],
      required_fields: ['bank_statement'],
      validation_rules: [{ rule: 'image_size', params: { max_bytes: 2_000_000, min_width: 600, min_height: 400, allowed_mime_types: ['image/jpeg', 'image/png'] } }],
    },
    {
      state_name: 'document_verification',
      description: 'Read the PAN card and the bank statement by OCR and cross-check them with what the applicant typed.',
      valid_next_states: ['completed', 'provide_additional_docs', 'manual_review'],
      automated: true,
      automation: { name: 'metis.verify_documents', params: { name_threshold: 0.9 } },
      timeout: '10m',
      on_timeout: 'manual_review',
      guards: {
        completed: { when: { field: 'results.document_verification.verified', operator: 'eq', value: true } },
        provide_additional_docs: { when: { field: 'results.document_verification.retryable', operator: 'eq', value: true } },
      },
    },
    {
      state_name: 'provide_additional_docs',
      valid_next_states: ['document_verification'],
      required_fields: ['additional_document'],
      validation_rules: [smallImages, strictQuality],
      timeout: '3d',
    },
    {
      state_name: 'manual_review',
      valid_next_states: ['completed', 'provide_additional_docs'],
      required_fields: ['reviewer_id', 'review_outcome'],
      validation_rules: [{ rule: 'pattern', fields: ['review_outcome'], params: { pattern: '^(approve|more_documents)$' } }],
      guards: {
        completed: { when: { field: 'data.review_outcome', operator: 'eq', value: 'approve' } },
        provide_additional_docs: { when: { field: 'data.review_outcome', operator: 'eq', value: 'more_documents' } },
      },
    },
    { state_name: 'completed', final_state: true },
  ],
};

/** Zenith Microfinance's loan journey: small loans, ₹5,000 – ₹5,00,000, up to 36 months. */
const zenithLoanBase = tenantLoanJourney('zenith-4', 'Zenith small business loan', { amount: [5_000, 500_000], tenureMonths: [3, 36] });
export const zenithLoanJourney: JourneyConfigInput = {
  ...zenithLoanBase,
  states: zenithLoanBase.states.map((s) => (s.state_name === 'documents' ? { ...s, validation_rules: [smallImages, strictQuality] } : s)),
};

/** Zenith Microfinance's decision rules: bureau floor 700, manual review above ₹2,00,000, stricter model. */
export const zenithRuleSet: RuleSetInput = {
  tenant_id: 'zenith-microfinance',
  version: '3',
  name: 'Zenith credit policy',
  default_outcome: 'manual_review',
  model: { approve_below: 0.2, reject_above: 0.55, weight: 0.6 },
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
      name: 'Bureau score below 700',
      priority: 900,
      conditions: [{ field: 'bureau.score', operator: 'lt', value: 700 }],
      actions: [{ type: 'reject', params: { reason: 'Credit score below policy minimum' } }],
    },
    {
      id: 'recent_defaults',
      name: 'Recent defaults or write-offs',
      priority: 850,
      conditions: [{ any: [{ field: 'bureau.defaults_24m', operator: 'gt', value: 0 }, { field: 'bureau.flags', operator: 'matches', value: 'WRITE[-_ ]?OFF|SETTLED' }] }],
      actions: [{ type: 'reject', params: { reason: 'Recent default, settlement or write-off' } }],
    },
    {
      id: 'high_value',
      name: 'High-value loan',
      priority: 500,
      conditions: [{ field: 'loan.amount', operator: 'gt', value: 200_000 }],
      actions: [{ type: 'manual_review', params: { reason: 'Amount above ₹2,00,000 needs an underwriter' } }],
    },
    {
      id: 'first_loan',
      name: 'First loan with Zenith',
      priority: 200,
      conditions: [{ not: { field: 'applicant.existing_customer', operator: 'eq', value: true } }],
      actions: [{ type: 'cap_amount', params: { max_amount: 100_000 } }, { type: 'add_condition', params: { condition: 'Monthly repayment by e-mandate' } }],
    },
    {
      id: 'good_standing',
      name: 'Good bureau score',
      priority: 100,
      conditions: [{ field: 'bureau.score', operator: 'gte', value: 760 }],
      actions: [{ type: 'approve' }],
    },
  ],
};
