import { BUILT_IN_AUTOMATION_NAMES, stateAutomation } from '../config/automations.ts';
import { parseDuration } from '../config/duration.ts';
import { journeyConfigSchema } from '../config/journey-schema.ts';
import type { JourneyConfig, JourneyStateConfig } from '../config/journey-schema.ts';
import { JourneyConfigError } from '../errors.ts';
import { defaultGuardRegistry } from '../guards/registry.ts';
import type { GuardRegistry } from '../guards/registry.ts';
import { isPlainObject } from '../json.ts';
import { defaultValidationRegistry } from '../rules/registry.ts';
import type { ValidationRegistry } from '../rules/registry.ts';
import { finding, hasErrors } from './finding.ts';
import type { LintFinding, PathSegment } from './finding.ts';
import { checkStateGraph } from './graph.ts';
import { lintStateGuards, lintStateRules } from './lint-refs.ts';
import type { NameScope } from './name-scope.ts';
import { didYouMean } from './suggest.ts';
import { issuesToFindings } from './zod-issues.ts';
import type { IssueClassifier } from './zod-issues.ts';

/** The registries a journey's names are resolved against. */
export interface JourneyImplementations {
  /** Validation rules the config may name (default: the built-in rules). */
  rules?: ValidationRegistry;
  /** Guards the config may name (default: the built-in guards). */
  guards?: GuardRegistry;
}

/** Linter options: the registries, plus names to accept without an implementation (for tools that lack the tenant's code). */
export interface JourneyLintOptions extends JourneyImplementations {
  /** Validation rule names to treat as registered; their params and fields are not checked. */
  assumeRules?: readonly string[];
  /** Guard names to treat as registered; their params are not checked. */
  assumeGuards?: readonly string[];
}

/** The linter's verdict: the validated config when there are no errors, and every finding. */
export type JourneyLintResult =
  | { ok: true; config: JourneyConfig; findings: LintFinding[] }
  | { ok: false; config?: undefined; findings: LintFinding[] };

const classify: IssueClassifier = (key, issue) => {
  if (key === 'timeout' && issue.code === 'invalid_format') {
    return { code: 'bad_timeout', hint: 'Write the timeout as <number><unit>, units ms, s, m, h, d: e.g. "30s", "5m", "1h30m".' };
  }
  if ((key === 'state_name' || key === 'journey_type') && issue.code === 'invalid_format') {
    return { code: 'bad_name', hint: 'Use snake_case: lower-case letters, digits and underscores, starting with a letter.' };
  }
  return undefined;
};

/** Lint a journey config: schema, graph, timeouts, rule and guard names. Errors make it invalid. */
export function lintJourneyConfig(input: unknown, options: JourneyLintOptions = {}): JourneyLintResult {
  if (!isPlainObject(input)) {
    return { ok: false, findings: [finding('schema_invalid', [], 'A journey config must be a JSON object.', 'Start from the sample in the package README.')] };
  }
  const parsed = journeyConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, findings: issuesToFindings(parsed.error.issues, classify) };
  const config = parsed.data;
  const findings = semanticFindings(config, {
    rules: options.rules ?? defaultValidationRegistry,
    guards: options.guards ?? defaultGuardRegistry,
    assumedRules: new Set(options.assumeRules ?? []),
    assumedGuards: new Set(options.assumeGuards ?? []),
  });
  return hasErrors(findings) ? { ok: false, findings } : { ok: true, config, findings };
}

/** Validate a journey config, returning it with defaults filled in; throws `JourneyConfigError` on any error. */
export function parseJourneyConfig(input: unknown, implementations: JourneyImplementations = {}): JourneyConfig {
  const result = lintJourneyConfig(input, implementations);
  if (!result.ok) throw new JourneyConfigError(result.findings.filter((f) => f.severity === 'error'));
  return result.config;
}

function semanticFindings(config: JourneyConfig, scope: NameScope): LintFinding[] {
  const out: LintFinding[] = [];
  const names = new Map<string, number>();
  config.states.forEach((s, i) => {
    const first = names.get(s.state_name);
    if (first === undefined) names.set(s.state_name, i);
    else {
      out.push(
        finding(
          'duplicate_state',
          ['states', i, 'state_name'],
          `State "${s.state_name}" is defined twice (first at $.states[${first}]).`,
          'Rename one of the states or merge them: state names must be unique.',
        ),
      );
    }
  });
  const known = [...names.keys()];
  const unknownTarget = (target: string, at: readonly PathSegment[], from: string): void => {
    if (!names.has(target)) {
      out.push(
        finding(
          'unknown_target_state',
          at,
          `${from} refers to state "${target}", which is not defined.`,
          `Add a state named "${target}" or correct the name.${didYouMean(target, known)}`,
        ),
      );
    }
  };
  if (config.initial_state !== undefined) unknownTarget(config.initial_state, ['initial_state'], 'initial_state');
  config.states.forEach((state, i) => {
    out.push(...lintState(state, i, config, unknownTarget));
    out.push(...lintStateRules(state, i, config, scope));
    out.push(...lintStateGuards(state, i, scope));
  });
  out.push(...checkStateGraph(config, names));
  return out;
}

function lintState(
  state: JourneyStateConfig,
  i: number,
  config: JourneyConfig,
  unknownTarget: (target: string, at: readonly PathSegment[], from: string) => void,
): LintFinding[] {
  const out: LintFinding[] = [];
  const at = (...rest: PathSegment[]): PathSegment[] => ['states', i, ...rest];
  const name = state.state_name;
  const seen = new Set<string>();
  state.valid_next_states.forEach((target, k) => {
    unknownTarget(target, at('valid_next_states', k), `State "${name}"`);
    if (seen.has(target)) {
      out.push(finding('duplicate_next_state', at('valid_next_states', k), `State "${name}" lists "${target}" twice.`, 'Remove the repeated entry.', 'warning'));
    }
    seen.add(target);
  });
  if (state.final_state) {
    if (state.valid_next_states.length > 0) {
      out.push(
        finding(
          'final_state_has_exits',
          at('valid_next_states'),
          `Final state "${name}" has next states (${state.valid_next_states.join(', ')}): a journey cannot leave a final state.`,
          'Empty valid_next_states, or set final_state to false.',
        ),
      );
    }
    if (state.timeout !== undefined || state.on_timeout !== undefined) {
      out.push(
        finding(
          'final_state_has_exits',
          at(state.timeout !== undefined ? 'timeout' : 'on_timeout'),
          `Final state "${name}" has a timeout: a finished journey has nothing left to time out.`,
          'Remove timeout and on_timeout from the final state.',
        ),
      );
    }
  }
  const automationName = stateAutomation(state.automation)?.name;
  if (automationName?.startsWith('metis.') && !BUILT_IN_AUTOMATION_NAMES.includes(automationName)) {
    out.push(
      finding(
        'unknown_builtin_automation',
        at('automation'),
        `State "${name}" names ${automationName}, which is not a Metis automation (${BUILT_IN_AUTOMATION_NAMES.join(', ')}).`,
        'Name a built-in, or give your own automation a name outside `metis.`.',
      ),
    );
  }
  if (state.automation !== undefined && !state.automated) {
    out.push(
      finding(
        'automation_on_manual_state',
        at('automation'),
        `State "${name}" names an automation but is not automated: nothing would run it.`,
        'Set automated to true, or remove automation.',
      ),
    );
  }
  if (state.automated && (state.final_state || state.valid_next_states.length === 0)) {
    out.push(
      finding(
        'automated_without_outcome',
        at(state.final_state ? 'final_state' : 'valid_next_states'),
        `Automated state "${name}" has no outcome path: its automated result has no state to move to.`,
        'List the outcome states in valid_next_states (e.g. a success and a retry/review state), and do not mark it final.',
      ),
    );
  } else if (!state.final_state && state.valid_next_states.length === 0) {
    out.push(
      finding(
        'dead_end',
        at('valid_next_states'),
        `State "${name}" is not final but has no next states: journeys reaching it would be stuck.`,
        'Add the states it leads to in valid_next_states, or set final_state to true.',
      ),
    );
  }
  if (state.timeout !== undefined && parseDuration(state.timeout) === null) {
    out.push(
      finding(
        'bad_timeout',
        at('timeout'),
        `Timeout "${state.timeout}" of state "${name}" is zero or has its units out of order.`,
        'Use a positive duration with units from largest to smallest, e.g. "1h30m".',
      ),
    );
  }
  if (state.on_timeout !== undefined) {
    if (state.timeout === undefined && !state.final_state) {
      out.push(
        finding(
          'on_timeout_without_timeout',
          at('on_timeout'),
          `State "${name}" says where to go on timeout but has no timeout.`,
          'Add a timeout such as "5m", or remove on_timeout.',
        ),
      );
    }
    unknownTarget(state.on_timeout, at('on_timeout'), `on_timeout of state "${name}"`);
    if (config.states.some((s) => s.state_name === state.on_timeout) && !state.valid_next_states.includes(state.on_timeout)) {
      out.push(
        finding(
          'timeout_target_not_next',
          at('on_timeout'),
          `on_timeout of state "${name}" is "${state.on_timeout}", which is not one of its valid_next_states.`,
          `Add "${state.on_timeout}" to valid_next_states or choose one of them.`,
        ),
      );
    }
  }
  if (Object.keys(config.fields).length > 0) {
    state.required_fields.forEach((field, k) => {
      if (config.fields[field] === undefined) {
        out.push(
          finding(
            'undeclared_field',
            at('required_fields', k),
            `Field "${field}" of state "${name}" has no declared type, so it is not type-checked.`,
            `Declare it under "fields", e.g. "${field}": { "type": "string" }.`,
            'warning',
          ),
        );
      }
    });
  }
  return out;
}
