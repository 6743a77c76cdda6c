import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRuleSet, decide, describeCondition, evaluateCondition, evaluateRules, lintRuleSet, parseRuleSet, RuleSetError } from '@metis/fsm';
import type { Condition, RuleSetInput } from '@metis/fsm';

const facts = {
  loan: { amount: 1_500_000, purpose: 'home' },
  bureau: { score: 720, flags: 'CLEAN', history_months: 30 },
  applicant: { age: 34, employment_type: 'salaried', city: 'Pune', pan: 'ABCPR1234K', spouse: null },
};

function check(condition: Condition): boolean {
  return evaluateCondition(condition, facts).matched;
}

describe('conditions', () => {
  it('supports every operator', () => {
    const table: [Condition, boolean][] = [
      [{ field: 'applicant.city', operator: 'eq', value: 'Pune' }, true],
      [{ field: 'applicant.city', operator: 'eq', value: 'pune' }, false],
      [{ field: 'applicant.city', operator: 'ne', value: 'Mumbai' }, true],
      [{ field: 'loan.amount', operator: 'gt', value: 1_500_000 }, false],
      [{ field: 'loan.amount', operator: 'gte', value: 1_500_000 }, true],
      [{ field: 'bureau.score', operator: 'lt', value: 720 }, false],
      [{ field: 'bureau.score', operator: 'lte', value: 720 }, true],
      [{ field: 'applicant.employment_type', operator: 'in', value: ['salaried', 'government'] }, true],
      [{ field: 'applicant.employment_type', operator: 'not_in', value: ['salaried', 'government'] }, false],
      [{ field: 'applicant.age', operator: 'between', value: [21, 34] }, true],
      [{ field: 'applicant.age', operator: 'between', value: [35, 60] }, false],
      [{ field: 'bureau.score', operator: 'exists' }, true],
      [{ field: 'bureau.defaults', operator: 'exists' }, false],
      [{ field: 'bureau.defaults', operator: 'exists', value: false }, true],
      [{ field: 'applicant.spouse', operator: 'exists' }, false],
      [{ field: 'applicant.pan', operator: 'matches', value: '^[A-Z]{3}P' }, true],
      [{ field: 'bureau.flags', operator: 'matches', value: 'WRITE.?OFF' }, false],
    ];
    for (const [condition, expected] of table) assert.equal(check(condition), expected, describeCondition(condition));
  });

  it('treats a missing field as not matching, except for exists', () => {
    for (const operator of ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'matches'] as const) {
      const value = operator === 'between' ? [0, 1] : operator === 'in' || operator === 'not_in' ? ['x'] : operator === 'matches' ? '.*' : 1;
      assert.equal(check({ field: 'loan.tenure', operator, value }), false, operator);
    }
  });

  it('compares only numbers with numbers and strings with strings', () => {
    assert.equal(check({ field: 'loan.amount', operator: 'gt', value: '1000' }), false);
    assert.equal(evaluateCondition({ field: 'd', operator: 'lt', value: '2025-01-01' }, { d: '2024-12-31' }).matched, true);
  });

  it('combines all, any and not groups', () => {
    const high = { field: 'loan.amount', operator: 'gt', value: 1_000_000 } as const;
    const prime = { field: 'bureau.score', operator: 'gte', value: 750 } as const;
    assert.equal(check({ all: [high, prime] }), false);
    assert.equal(check({ any: [high, prime] }), true);
    assert.equal(check({ not: prime }), true);
    assert.equal(check({ all: [high, { any: [prime, { not: { field: 'applicant.city', operator: 'in', value: ['Delhi'] } }] }] }), true);
  });

  it('explains conditions with the actual values', () => {
    assert.equal(evaluateCondition({ field: 'loan.amount', operator: 'gt', value: 1_000_000 }, facts).explanation, 'loan.amount > 1000000 (was 1500000)');
    assert.equal(
      evaluateCondition({ any: [{ field: 'bureau.score', operator: 'lt', value: 650 }, { field: 'bureau.defaults', operator: 'exists' }] }, facts).explanation,
      'any of (bureau.score < 650 (was 720); bureau.defaults exists (was missing))',
    );
    assert.equal(evaluateCondition({ not: { field: 'applicant.age', operator: 'between', value: [18, 25] } }, facts).explanation, 'not (applicant.age between 18 and 25 (was 34))');
    assert.equal(describeCondition({ field: 'x', operator: 'exists', value: false }), 'x is missing');
  });
});

const ruleSet: RuleSetInput = {
  tenant_id: 't1',
  version: '7',
  rules: [
    { id: 'approve_good', name: 'Good score', priority: 10, conditions: [{ field: 'bureau.score', operator: 'gte', value: 700 }], actions: [{ type: 'approve' }] },
    { id: 'high_value', name: 'High value', priority: 50, conditions: [{ field: 'loan.amount', operator: 'gt', value: 1_000_000 }], actions: [{ type: 'manual_review', params: { reason: 'Large loan' } }] },
    { id: 'cap_home', name: 'Cap home loans', priority: 30, conditions: [{ field: 'loan.purpose', operator: 'eq', value: 'home' }], actions: [{ type: 'cap_amount', params: { max_amount: 1_200_000 } }, { type: 'add_condition', params: { condition: 'Property papers' } }] },
    { id: 'cap_tighter', name: 'Tighter cap', priority: 20, conditions: [{ field: 'applicant.age', operator: 'gt', value: 30 }], actions: [{ type: 'cap_amount', params: { max_amount: 900_000 } }] },
    { id: 'disabled', name: 'Switched off', priority: 99, enabled: false, conditions: [], actions: [{ type: 'reject' }] },
  ],
};

describe('rules engine', () => {
  it('evaluates by descending priority and skips disabled rules', () => {
    const evaluation = evaluateRules(parseRuleSet(ruleSet), facts);
    assert.deepEqual(evaluation.trace.map((t) => t.ruleId), ['high_value', 'cap_home', 'cap_tighter', 'approve_good']);
    assert.deepEqual(evaluation.matched.map((t) => t.ruleId), ['high_value', 'cap_home', 'cap_tighter', 'approve_good']);
    assert.equal(evaluation.stoppedBy, null);
  });

  it('lets the highest-priority outcome win, collects conditions and the tightest cap, and explains itself', () => {
    const d = decide(ruleSet, facts);
    assert.equal(d.outcome, 'manual_review');
    assert.equal(d.confidence, 1);
    assert.equal(d.decidedBy, 'rules');
    assert.equal(d.cappedAmount, 900_000);
    assert.deepEqual(d.conditions, ['Amount capped at 1200000 (requested 1500000)', 'Property papers', 'Amount capped at 900000 (requested 1500000)']);
    assert.deepEqual(d.reasons, [
      '[50] high_value “High value”: loan.amount > 1000000 (was 1500000) → manual_review (Large loan)',
      '[30] cap_home “Cap home loans”: loan.purpose = "home" (was "home")',
      '[20] cap_tighter “Tighter cap”: applicant.age > 30 (was 34)',
      '[10] approve_good “Good score”: bureau.score ≥ 700 (was 720) → approve',
    ]);
    assert.equal(d.ruleSetVersion, '7');
  });

  it('breaks priority ties by list order and honours stop', () => {
    const tie: RuleSetInput = {
      tenant_id: 't',
      version: '1',
      rules: [
        { id: 'first', name: 'First', priority: 5, conditions: [], actions: [{ type: 'reject' }], stop: true },
        { id: 'second', name: 'Second', priority: 5, conditions: [], actions: [{ type: 'approve' }] },
        { id: 'low', name: 'Low', priority: 1, conditions: [], actions: [{ type: 'add_condition', params: { condition: 'x' } }] },
      ],
    };
    const evaluation = compileRuleSet(tie).evaluate({});
    assert.deepEqual(evaluation.trace.map((t) => t.ruleId), ['first']);
    assert.equal(evaluation.stoppedBy, 'first');
    const d = decide(tie, {});
    assert.equal(d.outcome, 'reject');
    assert.deepEqual(d.conditions, [], 'rejections carry no conditions');
    assert.equal(d.cappedAmount, null);
    assert.ok(d.reasons.includes('Evaluation stopped after rule first.'));
  });

  it('combines rules with the model score', () => {
    const onlyApprove: RuleSetInput = { tenant_id: 't', version: '1', model: { approve_below: 0.3, reject_above: 0.7, weight: 0.5 }, rules: [ruleSet.rules[0] as RuleSetInput['rules'][number]] };
    const agree = decide(onlyApprove, facts, { modelScore: 0.0 });
    assert.deepEqual([agree.outcome, agree.confidence, agree.decidedBy], ['approve', 1, 'rules_and_model']);
    const unsure = decide(onlyApprove, facts, { modelScore: 0.5 });
    assert.deepEqual([unsure.outcome, unsure.confidence], ['approve', 0.75]);
    const conflict = decide(onlyApprove, facts, { modelScore: 0.85 });
    assert.equal(conflict.outcome, 'manual_review');
    assert.equal(conflict.confidence, 0.75);
    assert.ok(conflict.reasons.includes('Rule approve_good approves but the model rejects → manual_review.'));
    assert.ok(conflict.reasons.includes('Model risk score 0.85 is at or above 0.7 → reject.'));

    const modelOnly = decide({ tenant_id: 't', version: '1', rules: [] }, facts, { modelScore: 0.15 });
    assert.deepEqual([modelOnly.outcome, modelOnly.confidence, modelOnly.decidedBy], ['approve', 0.75, 'model']);
    const middle = decide({ tenant_id: 't', version: '1', rules: [] }, facts, { modelScore: 0.5 });
    assert.deepEqual([middle.outcome, middle.confidence], ['manual_review', 0.5]);
    const nothing = decide({ tenant_id: 't', version: '1', default_outcome: 'reject', rules: [] }, facts);
    assert.deepEqual([nothing.outcome, nothing.confidence, nothing.decidedBy], ['reject', 0, 'default']);
    assert.throws(() => decide(onlyApprove, facts, { modelScore: 1.2 }), RangeError);
  });

  it('applies the sample high-value threshold of ₹10,00,000', async () => {
    const { sampleTenants } = await import('@metis/fsm');
    const engine = compileRuleSet(sampleTenants.acme.ruleSet);
    const base = { kyc: { status: 'done' }, bureau: { score: 800, history_months: 40 }, applicant: { employment_type: 'salaried' } };
    assert.equal(engine.decide({ ...base, loan: { amount: 1_000_000 } }).outcome, 'approve');
    assert.equal(engine.decide({ ...base, loan: { amount: 1_000_001 } }).outcome, 'manual_review');
    assert.equal(engine.decide({ ...base, kyc: { status: 'pending' }, loan: { amount: 10 } }).outcome, 'reject');
  });
});

describe('lintRuleSet', () => {
  const base = (): RuleSetInput => structuredClone(ruleSet);
  const cases: [string, (r: Record<string, unknown> & RuleSetInput) => void, string, string, RegExp][] = [
    ['schema_invalid', (r) => { (r as Record<string, unknown>)['rules'] = {}; }, '$.rules', 'error', /"rules" must be an array/],
    ['unknown_key', (r) => { (r.rules[0] as Record<string, unknown>)['priorty'] = 1; }, '$.rules[0].priorty', 'error', /Unknown key "priorty"/],
    ['unknown_operator', (r) => { (r.rules[0] as { conditions: unknown[] }).conditions = [{ field: 'a', operator: 'greater', value: 1 }]; }, '$.rules[0].conditions[0].operator', 'error', /"greater"/],
    ['unknown_action', (r) => { (r.rules[0] as { actions: unknown[] }).actions = [{ type: 'escalate' }]; }, '$.rules[0].actions[0].type', 'error', /"escalate"/],
    ['duplicate_rule_id', (r) => { r.rules[1] = { ...(r.rules[1] as RuleSetInput['rules'][number]), id: 'approve_good' }; }, '$.rules[1].id', 'error', /"approve_good" is used twice/],
    ['bad_operand', (r) => { (r.rules[0] as { conditions: unknown[] }).conditions = [{ field: 'a', operator: 'in', value: 'x' }]; }, '$.rules[0].conditions[0].value', 'error', /"in" on "a": needs a non-empty array/],
    ['bad_regex', (r) => { (r.rules[0] as { conditions: unknown[] }).conditions = [{ any: [{ field: 'a', operator: 'matches', value: '*x' }] }]; }, '$.rules[0].conditions[0].any[0].value', 'error', /"\*x"/],
    ['bad_field_path', (r) => { (r.rules[0] as { conditions: unknown[] }).conditions = [{ field: 'loan..amount', operator: 'exists' }]; }, '$.rules[0].conditions[0].field', 'error', /"loan\.\.amount" has an empty segment/],
    ['conflicting_outcomes', (r) => { (r.rules[0] as { actions: unknown[] }).actions = [{ type: 'approve' }, { type: 'reject' }]; }, '$.rules[0].actions', 'error', /"approve_good" both approves and rejects/],
    ['bad_model_thresholds', (r) => { r.model = { approve_below: 0.8, reject_above: 0.4 }; }, '$.model.approve_below', 'error', /0\.8.*0\.4/],
    ['priority_tie', (r) => { r.rules[1] = { ...(r.rules[1] as RuleSetInput['rules'][number]), priority: 10 }; }, '$.rules[1].priority', 'warning', /"approve_good" \(approve\) and "high_value" \(manual_review\) share priority 10/],
    ['shadowed_rule', (r) => { r.rules.push({ id: 'stop_all', name: 'Stop', priority: 40, conditions: [], actions: [{ type: 'manual_review' }], stop: true }); }, '$.rules[0]', 'warning', /"approve_good" never runs: "stop_all"/],
  ];
  for (const [code, mutate, path, severity, message] of cases) {
    it(`reports ${code} at ${path}`, () => {
      const input = base() as Record<string, unknown> & RuleSetInput;
      mutate(input);
      const result = lintRuleSet(input);
      const f = result.findings.find((x) => x.code === code);
      assert.ok(f, JSON.stringify(result.findings));
      assert.equal(f.path, path);
      assert.equal(f.severity, severity);
      assert.match(f.message, message);
      assert.ok(f.hint.length > 10);
      assert.equal(result.ok, severity === 'warning');
    });
  }

  it('throws a typed error for invalid rule sets', () => {
    assert.throws(() => compileRuleSet({ tenant_id: 't', version: '1', rules: [{ id: 'x', name: 'x', priority: 1, actions: [] }] }), (e: unknown) => e instanceof RuleSetError && e.code === 'RULE_SET_INVALID');
    assert.deepEqual(lintRuleSet(ruleSet).findings, []);
  });
});
