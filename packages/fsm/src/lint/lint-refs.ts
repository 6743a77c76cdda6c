import type * as z from 'zod';
import { lintCondition } from '../conditions/lint-condition.ts';
import type { JourneyConfig, JourneyStateConfig } from '../config/journey-schema.ts';
import { selects } from '../rules/types.ts';
import { finding } from './finding.ts';
import type { NameScope } from './name-scope.ts';
import type { LintFinding, PathSegment } from './finding.ts';
import { didYouMean } from './suggest.ts';
import { issuesToFindings } from './zod-issues.ts';

function paramFindings(
  schema: z.ZodType | undefined,
  params: unknown,
  at: readonly PathSegment[],
  code: string,
  what: string,
): LintFinding[] {
  if (!schema) {
    return params !== undefined && Object.keys(params as object).length > 0
      ? [finding(code, at, `${what} takes no params.`, 'Remove "params".')]
      : [];
  }
  const result = schema.safeParse(params ?? {}, { reportInput: true });
  if (result.success) return [];
  return issuesToFindings(result.error.issues, () => undefined, at).map((f) => ({
    ...f,
    code,
    message: `${what}: ${f.message}`,
  }));
}

/** Check a state's validation rules: known names, valid params, and that each rule checks some field. */
export function lintStateRules(state: JourneyStateConfig, i: number, config: JourneyConfig, scope: NameScope): LintFinding[] {
  const out: LintFinding[] = [];
  const rules = scope.rules;
  state.validation_rules.forEach((ref, j) => {
    const at: PathSegment[] = ['states', i, 'validation_rules', j];
    const name = typeof ref === 'string' ? ref : ref.rule;
    if (scope.assumedRules.has(name) && !rules.has(name)) return;
    const rule = rules.get(name);
    if (!rule) {
      out.push(
        finding(
          'unknown_validation_rule',
          typeof ref === 'string' ? at : [...at, 'rule'],
          `State "${state.state_name}" uses validation rule "${name}", which is not registered.`,
          `Use one of: ${rules.names().join(', ')}; or register "${name}" with createValidationRegistry.${didYouMean(name, rules.names())}`,
        ),
      );
      return;
    }
    const params = typeof ref === 'string' ? undefined : ref.params;
    out.push(...paramFindings(rule.paramsSchema, params, [...at, 'params'], 'bad_rule_params', `Params of rule "${name}"`));
    const explicit = typeof ref === 'string' ? undefined : ref.fields;
    if (explicit === undefined && !state.required_fields.some((f) => selects(rule, f, config.fields[f]?.type))) {
      out.push(
        finding(
          'rule_matches_no_field',
          at,
          `Rule "${name}" in state "${state.state_name}" applies to none of its required fields (${state.required_fields.join(', ') || 'none'}).`,
          `Name the fields it checks: {"rule": "${name}", "fields": ["…"]}, or declare a field of a type it checks.`,
          'warning',
        ),
      );
    }
  });
  return out;
}

/** Check a state's guards: they guard valid next states, name registered guards and hold sound conditions. */
export function lintStateGuards(state: JourneyStateConfig, i: number, scope: NameScope): LintFinding[] {
  const out: LintFinding[] = [];
  const guards = scope.guards;
  for (const [target, ref] of Object.entries(state.guards ?? {})) {
    const at: PathSegment[] = ['states', i, 'guards', target];
    if (!state.valid_next_states.includes(target)) {
      out.push(
        finding(
          'guard_target_not_next',
          at,
          `State "${state.state_name}" guards the move to "${target}", which is not one of its valid_next_states.`,
          `Add "${target}" to valid_next_states or remove the guard.${didYouMean(target, state.valid_next_states)}`,
        ),
      );
    }
    if (typeof ref !== 'string' && 'when' in ref) {
      out.push(...lintCondition(ref.when, [...at, 'when']));
      continue;
    }
    const name = typeof ref === 'string' ? ref : ref.guard;
    if (scope.assumedGuards.has(name) && !guards.has(name)) continue;
    const guard = guards.get(name);
    if (!guard) {
      out.push(
        finding(
          'unknown_guard',
          typeof ref === 'string' ? at : [...at, 'guard'],
          `State "${state.state_name}" uses guard "${name}", which is not registered.`,
          `Use one of: ${guards.names().join(', ')}; register "${name}" with createGuardRegistry; or write an inline {"when": condition}.${didYouMean(name, guards.names())}`,
        ),
      );
      continue;
    }
    out.push(...paramFindings(guard.paramsSchema, typeof ref === 'string' ? undefined : ref.params, [...at, 'params'], 'bad_guard_params', `Params of guard "${name}"`));
  }
  return out;
}
