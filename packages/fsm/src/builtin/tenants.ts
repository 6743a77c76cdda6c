import type { JourneyConfigInput } from '../config/journey-schema.ts';
import type { RuleSetInput } from '../decision/rule-set-schema.ts';
import { kycJourney } from './kyc.ts';
import { loanJourney } from './loan.ts';
import { acmeKycJourney, acmeLoanJourney, acmeRuleSet } from './tenant-acme.ts';
import { zenithKycJourney, zenithLoanJourney, zenithRuleSet } from './tenant-zenith.ts';

/** A sample tenant: its journeys and decision rules. */
export interface SampleTenant {
  tenantId: string;
  name: string;
  journeys: { kyc: JourneyConfigInput; loan: JourneyConfigInput };
  ruleSet: RuleSetInput;
}

/** The built-in journeys, as configs a tenant can copy. */
export const builtinJourneys: { readonly kyc: JourneyConfigInput; readonly loan: JourneyConfigInput } = { kyc: kycJourney, loan: loanJourney };

/** Two sample tenants with different journeys and thresholds, for demos and tests. */
export const sampleTenants: { readonly acme: SampleTenant; readonly zenith: SampleTenant } = {
  acme: { tenantId: 'acme-finance', name: 'Acme Finance', journeys: { kyc: acmeKycJourney, loan: acmeLoanJourney }, ruleSet: acmeRuleSet },
  zenith: { tenantId: 'zenith-microfinance', name: 'Zenith Microfinance', journeys: { kyc: zenithKycJourney, loan: zenithLoanJourney }, ruleSet: zenithRuleSet },
};
