import { evaluateCondition } from '../conditions/evaluate.ts';
import { getPath } from '../conditions/path.ts';
import { parseRuleSet } from './lint-rule-set.ts';
import { combine } from './combine.ts';
import type { DecisionRule, RuleSet } from './rule-set-schema.ts';
import type { DecideOptions, Decision, RuleEvaluation, RuleTrace } from './types.ts';

/** A compiled rule set. */
export interface RuleEngine {
  readonly ruleSet: RuleSet;
  /** Evaluate the rules against facts without deciding. */
  evaluate(facts: unknown): RuleEvaluation;
  /** Evaluate the rules and combine them with the model score into a decision. */
  decide(facts: unknown, options?: DecideOptions): Decision;
}

/** Sort rules by descending priority, keeping the list order among equal priorities. */
export function orderRules(rules: readonly DecisionRule[]): DecisionRule[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .filter((r) => r.rule.enabled)
    .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
    .map((r) => r.rule);
}

/** Evaluate a validated rule set's rules against facts. */
export function evaluateRules(ruleSet: RuleSet, facts: unknown): RuleEvaluation {
  const trace: RuleTrace[] = [];
  let stoppedBy: string | null = null;
  for (const rule of orderRules(ruleSet.rules)) {
    const parts = rule.conditions.map((c) => evaluateCondition(c, facts));
    const matched = parts.every((p) => p.matched);
    trace.push({
      ruleId: rule.id,
      ruleName: rule.name,
      priority: rule.priority,
      matched,
      explanation: parts.length === 0 ? 'always' : parts.map((p) => p.explanation).join(' and '),
      actions: rule.actions,
    });
    if (matched && rule.stop) {
      stoppedBy = rule.id;
      break;
    }
  }
  return { matched: trace.filter((t) => t.matched), trace, stoppedBy };
}

/** Lint and compile a rule set; invalid rule sets throw `RuleSetError`. */
export function compileRuleSet(input: unknown): RuleEngine {
  const ruleSet = parseRuleSet(input);
  return {
    ruleSet,
    evaluate: (facts) => evaluateRules(ruleSet, facts),
    decide: (facts, options = {}) => combine(ruleSet, evaluateRules(ruleSet, facts), requestedAmounts(ruleSet, facts), options.modelScore),
  };
}

/** Decide in one call: lint, evaluate and combine with the model score. */
export function decide(ruleSet: unknown, facts: unknown, options: DecideOptions = {}): Decision {
  return compileRuleSet(ruleSet).decide(facts, options);
}

/** Read the requested amounts that cap_amount actions refer to. */
function requestedAmounts(ruleSet: RuleSet, facts: unknown): Map<string, number> {
  const out = new Map<string, number>();
  for (const rule of ruleSet.rules) {
    for (const action of rule.actions) {
      if (action.type !== 'cap_amount') continue;
      const lookup = getPath(facts, action.params.field);
      if (lookup.found && typeof lookup.value === 'number') out.set(action.params.field, lookup.value);
    }
  }
  return out;
}
