import type { DocumentTruth } from './generate.ts';

/** Return the truth of a generated document in the field names and formats document analysis returns. */
export function expectedFields(truth: DocumentTruth): Record<string, string> {
  switch (truth.type) {
    case 'pan':
      return { pan: truth.fields.pan, name: truth.fields.name, father_name: truth.fields.fatherName, date_of_birth: truth.fields.dateOfBirth };
    case 'aadhaar':
      return {
        name: truth.fields.name,
        date_of_birth: truth.fields.dateOfBirth,
        gender: truth.fields.gender,
        aadhaar_number: `XXXX XXXX ${truth.fields.aadhaarNumber.slice(-4)}`,
      };
    case 'bank_statement':
      return {
        account_holder: truth.fields.accountHolder,
        account_number: truth.fields.accountNumber,
        ifsc: truth.fields.ifsc,
        period_from: truth.fields.periodFrom,
        period_to: truth.fields.periodTo,
        closing_balance: truth.fields.closingBalance,
      };
  }
}
