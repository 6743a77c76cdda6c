import { evaluateCondition, describeCondition } from '../conditions/evaluate.ts';
import { stateAutomation } from '../config/automations.ts';
import { parseDuration } from '../config/duration.ts';
import type { GuardRef, JourneyConfig, JourneyStateConfig } from '../config/journey-schema.ts';
import { defaultGuardRegistry } from '../guards/registry.ts';
import type { GuardRegistry, GuardView } from '../guards/registry.ts';
import { initialStateOf } from '../lint/graph.ts';
import type { JourneyImplementations } from '../lint/lint-journey.ts';
import { defaultValidationRegistry } from '../rules/registry.ts';
import type { AnyValidationRule, ValidationRegistry } from '../rules/registry.ts';
import type { FieldType } from '../rules/types.ts';
import type { JsonObject } from '../json.ts';

/** A validation rule resolved against the registry, with its params parsed. */
export interface CompiledRule {
  name: string;
  rule: AnyValidationRule;
  fields: readonly string[] | undefined;
  params: unknown;
}

/** A guard resolved against the registry. */
export interface CompiledGuard {
  /** Human-readable description for error messages and diagrams. */
  label: string;
  check(view: GuardView): boolean;
}

/** Everything the machine needs to know about one state. */
export interface CompiledState {
  name: string;
  description: string | null;
  automated: boolean;
  /** The named automation and its params, when the config names one. */
  automation: StateAutomation | null;
  final: boolean;
  timeout: string | null;
  timeoutMs: number | null;
  onTimeout: string | null;
  requiredFields: readonly string[];
  nextStates: readonly string[];
  rules: readonly CompiledRule[];
  guards: ReadonlyMap<string, CompiledGuard>;
}

/** The automation an automated state names, with its params. */
export interface StateAutomation {
  name: string;
  params: JsonObject;
}

/** A validated journey config resolved against its rule and guard registries. */
export interface CompiledJourney {
  config: JourneyConfig;
  journeyType: string;
  version: string;
  initial: string;
  states: ReadonlyMap<string, CompiledState>;
  fieldTypes: Readonly<Record<string, FieldType>>;
}

/** Resolve a (linted) config's rule and guard names into implementations. */
export function compileJourney(config: JourneyConfig, implementations: JourneyImplementations = {}): CompiledJourney {
  const rules = implementations.rules ?? defaultValidationRegistry;
  const guards = implementations.guards ?? defaultGuardRegistry;
  const states = new Map<string, CompiledState>();
  for (const s of config.states) states.set(s.state_name, compileState(s, rules, guards));
  const fieldTypes: Record<string, FieldType> = {};
  for (const [name, spec] of Object.entries(config.fields)) fieldTypes[name] = spec.type;
  return { config, journeyType: config.journey_type, version: config.version, initial: initialStateOf(config), states, fieldTypes };
}

function compileState(s: JourneyStateConfig, rules: ValidationRegistry, guards: GuardRegistry): CompiledState {
  const compiledRules = s.validation_rules.map((ref): CompiledRule => {
    const name = typeof ref === 'string' ? ref : ref.rule;
    const rule = rules.get(name);
    if (!rule) throw new Error(`Validation rule "${name}" is not registered (lint the config first).`);
    const raw = typeof ref === 'string' ? {} : (ref.params ?? {});
    const params: unknown = rule.paramsSchema ? rule.paramsSchema.parse(raw) : raw;
    return { name, rule, fields: typeof ref === 'string' ? undefined : ref.fields, params };
  });
  const compiledGuards = new Map<string, CompiledGuard>();
  for (const [target, ref] of Object.entries(s.guards ?? {})) compiledGuards.set(target, compileGuard(ref, guards));
  return {
    name: s.state_name,
    description: s.description ?? null,
    automated: s.automated,
    automation: stateAutomation(s.automation),
    final: s.final_state,
    timeout: s.timeout ?? null,
    timeoutMs: s.timeout === undefined ? null : parseDuration(s.timeout),
    onTimeout: s.on_timeout ?? null,
    requiredFields: s.required_fields,
    nextStates: s.valid_next_states,
    rules: compiledRules,
    guards: compiledGuards,
  };
}

function compileGuard(ref: GuardRef, guards: GuardRegistry): CompiledGuard {
  if (typeof ref !== 'string' && 'when' in ref) {
    const condition = ref.when;
    return { label: describeCondition(condition), check: (view) => evaluateCondition(condition, view).matched };
  }
  const name = typeof ref === 'string' ? ref : ref.guard;
  const guard = guards.get(name);
  if (!guard) throw new Error(`Guard "${name}" is not registered (lint the config first).`);
  const raw = typeof ref === 'string' ? {} : (ref.params ?? {});
  const params: unknown = guard.paramsSchema ? guard.paramsSchema.parse(raw) : raw;
  return { label: name, check: (view) => guard.check(view, params) };
}
