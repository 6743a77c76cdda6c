// @metis/activities: every Metis activity from its dependencies (`createActivities`), the errors
// they raise and tenant ids. Each role has its own entry: `/storage`, `/journeys`, `/loans`,
// `/notify`, `/bureau`, `/documents`, `/ocr`, `/risk`, `/llm`, `/metrics`. Native libraries
// (onnxruntime-node, sharp, node-llama-cpp) load only when an activity that needs them runs.
export { createActivities } from './create-activities.ts';
export type { ActivityDeps, MetisActivities } from './create-activities.ts';
export { MetisError, ConfigurationError, InvalidTenantIdError, ObjectKeyError, ObjectNotFoundError } from './errors.ts';
export { isTenantId, assertTenantId, SYSTEM_TENANT } from './tenancy/tenant-id.ts';
export { loadNativeModule, NATIVE_MODULES, needingNativeModules, requireNativeModules } from './native-modules.ts';
export type { NativeModuleName } from './native-modules.ts';
export type { AutomationContext, AutomationInput, JourneyAutomation } from './journeys/journey-activities.ts';
export type { CreditSummary, DocumentCheck, LoanApplicant, LoanApplication, RiskAssessment, StoredDecision } from './loans/loan-types.ts';
