// @metis/activities/bureau: credit bureaus: HTTP providers, circuit breakers and the waterfall.
export { createBureauActivities, applicantIssues, BUREAU_FAILURE_TYPES, BUREAU_PULL_ACTIVITY_OPTIONS } from './bureau-activities.ts';
export type { BureauActivities, BureauActivityDeps, PullCreditReportInput, PullCreditReportResult } from './bureau-activities.ts';
export { createBureauBreakers, providerHealthEvent, resolveBreakerSettings, BUREAU_BREAKER_DEFAULTS, BREAKER_STATE_GAUGE } from './breakers.ts';
export type { BreakerSettings, BreakerState, BureauBreakerDeps, BureauBreakers } from './breakers.ts';
export { pullWithWaterfall, assertBureauConfig } from './waterfall.ts';
export type { BureauConfigResolver, BureauProviderEntry, TenantBureauConfig, WaterfallRequest, WaterfallResult } from './waterfall.ts';
export { createHttpBureauProvider, assertProviderName, HTTP_BUREAU_DEFAULTS } from './http-provider.ts';
export type { BureauAuth, HttpBureauProviderConfig } from './http-provider.ts';
export { BUREAU_FORMATS } from './formats/index.ts';
export type { BureauFormatName } from './formats/index.ts';
export type { BureauFormat, MappedReport } from './formats/format.ts';
export { ResponseReader } from './response-reader.ts';
export { BureauProviderError, MalformedBureauResponseError, BureauUnavailableError, InvalidApplicantError, BureauConfigError } from './errors.ts';
export type { BureauAttempt, BureauFailureKind } from './errors.ts';
export { summarizeCreditReport } from './summary.ts';
export type { CreditReportSummary } from './summary.ts';
export type { BureauApplicant, BureauProvider, BureauPullOptions, CreditAccount, CreditAccountStatus, CreditEnquiry, CreditReport, MonthlyDaysPastDue } from './types.ts';
