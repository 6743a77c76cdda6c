import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGuardRegistry, createJourney, createJourneyMachine, createValidationRegistry, defineGuard, defineValidationRule, JourneyConfigError, lintJourneyConfig, parseJourneyConfig } from '@metis/fsm';
import type { LintFinding } from '@metis/fsm';
import { fixture } from './helpers.ts';

interface Case {
  file: string;
  code: string;
  path: string;
  severity?: 'error' | 'warning';
  /** Words the message must contain: the offending names or values. */
  message: RegExp;
  /** Words the fix hint must contain. */
  hint: RegExp;
}

const cases: Case[] = [
  { file: 'schema-invalid', code: 'schema_invalid', path: '$.states[0].valid_next_states', message: /"valid_next_states" must be an array, found a string/, hint: /array/ },
  { file: 'unknown-key', code: 'unknown_key', path: '$.states[0].final_states', message: /Unknown key "final_states" in \$\.states\[0\]/, hint: /spelling/ },
  { file: 'bad-timeout-format', code: 'bad_timeout', path: '$.states[0].timeout', message: /"5 minutes"/, hint: /"5m"/ },
  { file: 'bad-timeout-zero', code: 'bad_timeout', path: '$.states[0].timeout', message: /"0m" of state "start" is zero/, hint: /positive duration/ },
  { file: 'bad-name', code: 'bad_name', path: '$.states[0].state_name', message: /"Start Here"/, hint: /snake_case/ },
  { file: 'duplicate-state', code: 'duplicate_state', path: '$.states[1].state_name', message: /"start" is defined twice \(first at \$\.states\[0\]\)/, hint: /unique/ },
  { file: 'unknown-target-state', code: 'unknown_target_state', path: '$.states[0].valid_next_states[1]', message: /State "start" refers to state "review", which is not defined/, hint: /Add a state named "review"/ },
  { file: 'unreachable-state', code: 'unreachable_state', path: '$.states[1].state_name', message: /"orphan" cannot be reached from the initial state "start"/, hint: /valid_next_states/ },
  { file: 'no-final-state', code: 'no_final_state', path: '$.states', message: /can never finish/, hint: /"final_state": true/ },
  { file: 'dead-end', code: 'dead_end', path: '$.states[1].valid_next_states', message: /"waiting" is not final but has no next states/, hint: /final_state to true/ },
  { file: 'final-state-has-exits', code: 'final_state_has_exits', path: '$.states[1].valid_next_states', message: /Final state "done" has next states \(start\)/, hint: /Empty valid_next_states/ },
  { file: 'automated-without-outcome', code: 'automated_without_outcome', path: '$.states[1].valid_next_states', message: /Automated state "verify" has no outcome path/, hint: /outcome states/ },
  { file: 'unknown-validation-rule', code: 'unknown_validation_rule', path: '$.states[0].validation_rules[1]', message: /validation rule "emial_check", which is not registered/, hint: /email_format.*createValidationRegistry/ },
  { file: 'bad-rule-params', code: 'bad_rule_params', path: '$.states[0].validation_rules[0].params.min', message: /rule "min_age".*"min" must be a number, found a string/, hint: /number/ },
  { file: 'bad-rule-params-unknown-key', code: 'bad_rule_params', path: '$.states[0].validation_rules[0].params.strict', message: /rule "email_format".*"strict"/, hint: /Remove the key/ },
  { file: 'rule-matches-no-field', code: 'rule_matches_no_field', severity: 'warning', path: '$.states[0].validation_rules[0]', message: /"pan_format" in state "start" applies to none of its required fields \(email\)/, hint: /"fields"/ },
  { file: 'undeclared-field', code: 'undeclared_field', severity: 'warning', path: '$.states[0].required_fields[1]', message: /"phone" of state "start" has no declared type/, hint: /"phone": \{ "type"/ },
  { file: 'on-timeout-without-timeout', code: 'on_timeout_without_timeout', path: '$.states[0].on_timeout', message: /"start" says where to go on timeout but has no timeout/, hint: /"5m"/ },
  { file: 'timeout-target-not-next', code: 'timeout_target_not_next', path: '$.states[0].on_timeout', message: /on_timeout of state "start" is "done", which is not one of its valid_next_states/, hint: /Add "done"/ },
  { file: 'guard-target-not-next', code: 'guard_target_not_next', path: '$.states[0].guards.finished', message: /guards the move to "finished"/, hint: /Add "finished"/ },
  { file: 'unknown-guard', code: 'unknown_guard', path: '$.states[0].guards.done', message: /guard "email_verified", which is not registered/, hint: /all_present.*createGuardRegistry.*"when"/ },
  { file: 'bad-guard-params', code: 'bad_guard_params', path: '$.states[0].guards.done.params.fields', message: /guard "all_present".*"fields" is too small/, hint: /range/ },
  { file: 'bad-operand', code: 'bad_operand', path: '$.states[0].guards.done.when.value', message: /"between" on "data\.age": min 60 is greater than max 18/, hint: /Swap the bounds/ },
  { file: 'bad-regex', code: 'bad_regex', path: '$.states[0].guards.done.when.value', message: /Pattern "\(\[a-z\]\+" on "data\.email" is not a valid regular expression/, hint: /Fix the pattern/ },
  { file: 'no-path-to-final', code: 'no_path_to_final', path: '$.states[1].valid_next_states', message: /No path leads from state "loop_a" to a final state/, hint: /way out/ },
  { file: 'duplicate-next-state', code: 'duplicate_next_state', severity: 'warning', path: '$.states[0].valid_next_states[1]', message: /"start" lists "done" twice/, hint: /Remove/ },
];

function findingFor(c: Case): LintFinding {
  const result = lintJourneyConfig(fixture(`journeys/${c.file}.json`));
  const found = result.findings.find((f) => f.code === c.code);
  assert.ok(found, `${c.file}: expected a ${c.code} finding, got ${JSON.stringify(result.findings)}`);
  return found;
}

describe('lintJourneyConfig', () => {
  it('accepts the minimal valid fixture without findings', () => {
    const result = lintJourneyConfig(fixture('journeys/valid-minimal.json'));
    assert.equal(result.ok, true);
    assert.deepEqual(result.findings, []);
  });

  for (const c of cases) {
    it(`reports ${c.code} (${c.file}.json) with its JSON path, message and hint`, () => {
      const f = findingFor(c);
      assert.equal(f.path, c.path);
      assert.equal(f.severity, c.severity ?? 'error');
      assert.match(f.message, c.message);
      assert.match(f.hint, c.hint);
      assert.equal(f.pointer, c.path.replace(/^\$/, '').replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/'));
    });
  }

  it('makes configs with errors invalid and leaves configs with only warnings valid', () => {
    for (const c of cases) {
      const result = lintJourneyConfig(fixture(`journeys/${c.file}.json`));
      assert.equal(result.ok, (c.severity ?? 'error') === 'warning', c.file);
    }
  });

  it('reports every state caught in a loop, not just the first', () => {
    const codes = lintJourneyConfig(fixture('journeys/no-path-to-final.json')).findings.map((f) => `${f.code}@${f.path}`);
    assert.deepEqual(codes, ['no_path_to_final@$.states[1].valid_next_states', 'no_path_to_final@$.states[2].valid_next_states']);
  });

  it('suggests the closest known name for a misspelt rule or state', () => {
    const config = fixture('journeys/valid-minimal.json') as { states: { validation_rules?: string[]; valid_next_states?: string[] }[] };
    const first = config.states[0];
    assert.ok(first);
    first.validation_rules = ['emal_format'];
    first.valid_next_states = ['dne'];
    const hints = lintJourneyConfig(config).findings.map((f) => f.hint);
    assert.ok(hints.some((h) => h.includes('Did you mean "email_format"?')), hints.join('\n'));
    assert.ok(hints.some((h) => h.includes('Did you mean "done"?')), hints.join('\n'));
  });

  it('rejects a non-object document', () => {
    const result = lintJourneyConfig([1, 2]);
    assert.equal(result.ok, false);
    assert.equal(result.findings[0]?.code, 'schema_invalid');
    assert.equal(result.findings[0]?.path, '$');
  });

  it('knows tenant-registered rules and guards', () => {
    const config = {
      journey_type: 'custom-onboarding',
      version: '1',
      states: [
        { state_name: 'start', valid_next_states: ['done'], required_fields: ['gstin'], validation_rules: ['gstin_format'], guards: { done: 'gstin_checked' } },
        { state_name: 'done', final_state: true },
      ],
    };
    assert.deepEqual(lintJourneyConfig(config).findings.map((f) => f.code).sort(), ['unknown_guard', 'unknown_validation_rule']);
    const rules = createValidationRegistry([
      defineValidationRule({ name: 'gstin_format', description: 'A GSTIN.', selector: { names: /gstin/ }, validate: () => null }),
    ]);
    const guards = createGuardRegistry([defineGuard({ name: 'gstin_checked', description: 'Always.', check: () => true })]);
    assert.deepEqual(lintJourneyConfig(config, { rules, guards }).findings, []);
  });

  it('accepts assumed rule and guard names (for tools without the tenant code), but still builds no machine from them', () => {
    const config = {
      journey_type: 'kyc',
      version: '1',
      states: [
        { state_name: 'start', valid_next_states: ['done'], required_fields: ['gstin'], validation_rules: [{ rule: 'gstin_format', params: { strict: true } }], guards: { done: { guard: 'gstin_checked', params: { level: 2 } } } },
        { state_name: 'done', final_state: true },
      ],
    };
    const assumed = lintJourneyConfig(config, { assumeRules: ['gstin_format'], assumeGuards: ['gstin_checked'] });
    assert.deepEqual(assumed.findings, []);
    assert.equal(assumed.ok, true);
    assert.deepEqual(lintJourneyConfig(config, { assumeRules: ['gstin_format'] }).findings.map((f) => f.code), ['unknown_guard']);
    assert.throws(() => createJourney(config), JourneyConfigError);
  });

  it('never turns an invalid config into a machine or a journey', () => {
    const invalid = fixture('journeys/unknown-target-state.json');
    assert.throws(() => createJourneyMachine(invalid), (e: unknown) => e instanceof JourneyConfigError && e.code === 'JOURNEY_CONFIG_INVALID' && e.findings.length === 1);
    assert.throws(() => createJourney(invalid), JourneyConfigError);
    assert.throws(() => parseJourneyConfig(invalid), /unknown|not defined/);
  });

  it('fills in defaults on a valid config', () => {
    const config = parseJourneyConfig(fixture('journeys/valid-minimal.json'));
    assert.deepEqual(config.states[1], { state_name: 'done', valid_next_states: [], required_fields: [], validation_rules: [], automated: false, final_state: true });
    assert.deepEqual(config.fields, {});
  });
});
