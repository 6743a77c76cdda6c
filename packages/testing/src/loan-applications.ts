import type { LoanApplicant, LoanApplication } from '@metis/activities/loans';
import { uniqueId } from './helpers.ts';

/**
 * Return a loan application for tests: ₹3,00,000 over 36 months for a salaried applicant with a
 * finished KYC, under fresh ids; `pan` decides the simulated bureau's score (see `panWithScore`).
 */
export function sampleLoanApplication(pan: string, overrides: Partial<LoanApplication> = {}, applicant: Partial<LoanApplicant> = {}): LoanApplication {
  return {
    applicationId: uniqueId('app'),
    amount: 300_000,
    tenureMonths: 36,
    purpose: 'home improvement',
    kycStatus: 'done',
    applicant: { applicantId: uniqueId('cust'), name: 'Priya Sharma', pan, dateOfBirth: '1990-04-01', monthlyIncome: 100_000, employmentType: 'salaried', phone: '9876543210', ...applicant },
    ...overrides,
  };
}
