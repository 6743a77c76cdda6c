// Public API of @metis/fsm: pure TypeScript, no Node built-ins, no I/O.

export { isPlainObject } from './json.ts';
export type { JsonObject, JsonPrimitive, JsonValue } from './json.ts';
export type { BuiltinFieldErrorCode, FieldError, FieldErrorCode } from './errors.ts';
export { JourneyConfigError, JourneySnapshotError, JourneyStepError, MetisFsmError, RegistryError, RuleSetError } from './errors.ts';

export { DURATION_PATTERN, formatDuration, parseDuration } from './config/duration.ts';
export { journeyConfigJsonSchema, journeyConfigSchema } from './config/journey-schema.ts';
export type { FieldSpec, GuardRef, JourneyConfig, JourneyConfigInput, JourneyStateConfig, ValidationRuleRef } from './config/journey-schema.ts';

export type { LintFinding, LintSeverity } from './lint/finding.ts';
export { lintJourneyConfig, parseJourneyConfig } from './lint/lint-journey.ts';
export type { JourneyImplementations, JourneyLintOptions, JourneyLintResult } from './lint/lint-journey.ts';

export { CONDITION_OPERATORS, conditionSchema } from './conditions/condition-schema.ts';
export type { Condition, ConditionOperator, FieldCondition } from './conditions/condition-schema.ts';
export { describeCondition, evaluateCondition } from './conditions/evaluate.ts';
export type { ConditionResult } from './conditions/evaluate.ts';

export type { DocumentMetadata, FieldSelector, FieldType, RuleCheckContext, RuleViolation, ValidationRule } from './rules/types.ts';
export { defineValidationRule } from './rules/types.ts';
export { builtinValidationRules, createValidationRegistry, defaultValidationRegistry } from './rules/registry.ts';
export type { AnyValidationRule, ValidationRegistry } from './rules/registry.ts';
export type { NamedRegistry } from './named-registry.ts';
export { FIELD_TYPES, documentMetadataSchema } from './rules/field-types.ts';
export { verhoeffCheckDigit, verhoeffValidate } from './rules/verhoeff.ts';
export { checkAadhaar, checkPan, PAN_HOLDER_TYPES } from './rules/identity.ts';
export type { PanHolderType } from './rules/identity.ts';
export { INDIAN_MOBILE, isEmail } from './rules/contact.ts';
export { ageOn } from './rules/date.ts';

export { builtinGuards, createGuardRegistry, defaultGuardRegistry, defineGuard } from './guards/registry.ts';
export type { AnyGuard, GuardDefinition, GuardRegistry, GuardView } from './guards/registry.ts';

export { journeyEventSchema } from './machine/events.ts';
export type {
  AutomatedResultEvent,
  JourneyEvent,
  JourneyEventInput,
  JourneyEventType,
  OperatorEvent,
  SubmitEvent,
  TimeoutEvent,
} from './machine/events.ts';
export { PERSISTED_FORMAT, persistedJourneySchema } from './machine/context.ts';
export type { HistoryEntry, JourneyContext, JourneyInput, PersistedJourney } from './machine/context.ts';
export { createJourneyMachine } from './machine/create-machine.ts';
export type { AutomationInput, AutomationOutput, JourneyMachine, JourneyStateMeta } from './machine/create-machine.ts';
export { createJourney } from './machine/journey.ts';
export { snapshotOfView } from './machine/view-snapshot.ts';
export type { JourneyViewParts } from './machine/view-snapshot.ts';
export type { Journey, JourneyDescription, JourneyStateInfo, StepFailure, StepResult, StepSuccess } from './machine/journey.ts';
export type { StateAutomation } from './machine/model.ts';

export { OUTCOMES, ruleSetJsonSchema, ruleSetSchema } from './decision/rule-set-schema.ts';
export type { DecisionRule, Outcome, RuleAction, RuleSet, RuleSetInput } from './decision/rule-set-schema.ts';
export { lintRuleSet, parseRuleSet } from './decision/lint-rule-set.ts';
export type { RuleSetLintResult } from './decision/lint-rule-set.ts';
export { compileRuleSet, decide, evaluateRules } from './decision/engine.ts';
export type { RuleEngine } from './decision/engine.ts';
export type { DecideOptions, Decision, RuleEvaluation, RuleTrace } from './decision/types.ts';

export { toMermaid } from './diagram/mermaid.ts';
export type { MermaidOptions } from './diagram/mermaid.ts';

export { kycJourney } from './builtin/kyc.ts';
export { loanJourney, tenantLoanJourney, underwrittenLoanJourney } from './builtin/loan.ts';
export { BUILT_IN_AUTOMATIONS, BUILT_IN_AUTOMATION_NAMES } from './config/automations.ts';
export type { LoanLimits } from './builtin/loan.ts';
export { builtinJourneys, sampleTenants } from './builtin/tenants.ts';
export type { SampleTenant } from './builtin/tenants.ts';
