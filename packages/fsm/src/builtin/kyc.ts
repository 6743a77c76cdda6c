import type { JourneyConfigInput } from '../config/journey-schema.ts';

/** The KYC journey exactly as specified: personal details → PAN → Aadhaar → automated document verification. */
export const kycJourney: JourneyConfigInput = {
  journey_type: 'kyc',
  version: '1.0.0',
  name: 'KYC',
  description: 'Know-your-customer onboarding: personal details, PAN, Aadhaar and automated document verification.',
  fields: {
    name: { type: 'string', label: 'Full name', pii: true },
    email: { type: 'email', label: 'E-mail address', pii: true },
    phone: { type: 'phone', label: 'Mobile number', pii: true },
    pan_number: { type: 'string', label: 'PAN', pii: true },
    pan_image: { type: 'document', label: 'Photo of the PAN card', pii: true },
    aadhar_number: { type: 'string', label: 'Aadhaar number', pii: true },
    aadhar_image: { type: 'document', label: 'Photo of the Aadhaar card', pii: true },
    additional_document: { type: 'document', label: 'Additional proof of identity or address', pii: true },
  },
  states: [
    {
      state_name: 'provide_personal_details',
      valid_next_states: ['provide_pan_details'],
      required_fields: ['name', 'email', 'phone'],
      validation_rules: ['email_format', 'phone_format'],
    },
    {
      state_name: 'provide_pan_details',
      valid_next_states: ['provide_aadhar_details'],
      required_fields: ['pan_number', 'pan_image'],
      validation_rules: ['pan_format', 'image_size'],
    },
    {
      state_name: 'provide_aadhar_details',
      valid_next_states: ['document_verification', 'completed'],
      required_fields: ['aadhar_number', 'aadhar_image'],
      validation_rules: ['aadhar_format', 'image_quality'],
    },
    {
      state_name: 'document_verification',
      description: 'OCR and face match on the uploaded documents; the result routes to completion or a request for more documents.',
      valid_next_states: ['completed', 'provide_additional_docs'],
      automated: true,
      timeout: '5m',
      guards: { completed: { when: { field: 'results.document_verification.verified', operator: 'eq', value: true } } },
    },
    {
      state_name: 'provide_additional_docs',
      valid_next_states: ['document_verification'],
      required_fields: ['additional_document'],
      validation_rules: ['image_size', 'image_quality'],
    },
    {
      state_name: 'completed',
      valid_next_states: [],
      final_state: true,
    },
  ],
};
