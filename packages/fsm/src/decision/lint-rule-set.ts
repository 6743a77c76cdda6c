import { lintCondition } from '../conditions/lint-condition.ts';
import { RuleSetError } from '../errors.ts';
import { isPlainObject } from '../json.ts';
import { finding, hasErrors } from '../lint/finding.ts';
import type { LintFinding } from '../lint/finding.ts';
import { issuesToFindings } from '../lint/zod-issues.ts';
import type { IssueClassifier } from '../lint/zod-issues.ts';
import { OUTCOMES, ruleSetSchema } from './rule-set-schema.ts';
import type { DecisionRule, Outcome, RuleSet } from './rule-set-schema.ts';

/** The linter's verdict on a rule set. */
export type RuleSetLintResult =
  | { ok: true; ruleSet: RuleSet; findings: LintFinding[] }
  | { ok: false; ruleSet?: undefined; findings: LintFinding[] };

const classify: IssueClassifier = (key, issue) => {
  if (key === 'operator' && issue.code === 'invalid_value') {
    return { code: 'unknown_operator', hint: 'Use one of: eq, ne, gt, gte, lt, lte, in, not_in, between, exists, matches.' };
  }
  if (key === 'type' && issue.code === 'invalid_union') {
    return { code: 'unknown_action', hint: 'Use one of: approve, reject, manual_review, add_condition, cap_amount.' };
  }
  return undefined;
};

const VERB: Readonly<Record<Outcome, string>> = { approve: 'approves', reject: 'rejects', manual_review: 'sends to manual review' };

/** Return the outcome actions (approve/reject/manual_review) of a rule. */
export function outcomesOf(rule: DecisionRule): Outcome[] {
  return rule.actions.flatMap((a) => ((OUTCOMES as readonly string[]).includes(a.type) ? [a.type as Outcome] : []));
}

/** Lint a decision rule set: schema, unique ids, sound conditions, consistent outcomes and thresholds. */
export function lintRuleSet(input: unknown): RuleSetLintResult {
  if (!isPlainObject(input)) return { ok: false, findings: [finding('schema_invalid', [], 'A rule set must be a JSON object.', 'Start from a sample rule set.')] };
  const parsed = ruleSetSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, findings: issuesToFindings(parsed.error.issues, classify) };
  const ruleSet = parsed.data;
  const out: LintFinding[] = [];
  const ids = new Map<string, number>();
  ruleSet.rules.forEach((rule, i) => {
    const first = ids.get(rule.id);
    if (first !== undefined) {
      out.push(finding('duplicate_rule_id', ['rules', i, 'id'], `Rule id "${rule.id}" is used twice (first at $.rules[${first}]).`, 'Give every rule a unique id.'));
    } else ids.set(rule.id, i);
    rule.conditions.forEach((c, k) => out.push(...lintCondition(c, ['rules', i, 'conditions', k])));
    const outcomes = [...new Set(outcomesOf(rule))];
    if (outcomes.length > 1) {
      out.push(
        finding(
          'conflicting_outcomes',
          ['rules', i, 'actions'],
          `Rule "${rule.id}" both ${outcomes.map((o) => VERB[o]).join(' and ')}.`,
          'Keep one outcome action per rule; split the rule if needed.',
        ),
      );
    }
  });
  out.push(...shadowing(ruleSet.rules));
  if (ruleSet.model.approve_below > ruleSet.model.reject_above) {
    out.push(
      finding(
        'bad_model_thresholds',
        ['model', 'approve_below'],
        `model.approve_below (${ruleSet.model.approve_below}) is above model.reject_above (${ruleSet.model.reject_above}).`,
        'Keep approve_below ≤ reject_above; scores between them go to manual review.',
      ),
    );
  }
  return hasErrors(out) ? { ok: false, findings: out } : { ok: true, ruleSet, findings: out };
}

/** Validate a rule set, returning it with defaults filled in; throws `RuleSetError` on any error. */
export function parseRuleSet(input: unknown): RuleSet {
  const result = lintRuleSet(input);
  if (!result.ok) throw new RuleSetError(result.findings.filter((f) => f.severity === 'error'));
  return result.ruleSet;
}

function shadowing(rules: readonly DecisionRule[]): LintFinding[] {
  const out: LintFinding[] = [];
  const indexed = rules.map((rule, i) => ({ rule, i })).filter((r) => r.rule.enabled);
  for (const { rule: a, i } of indexed) {
    for (const { rule: b, i: j } of indexed) {
      if (j <= i) continue;
      const ao = outcomesOf(a)[0];
      const bo = outcomesOf(b)[0];
      if (a.priority === b.priority && ao !== undefined && bo !== undefined && ao !== bo) {
        out.push(
          finding(
            'priority_tie',
            ['rules', j, 'priority'],
            `Rules "${a.id}" (${ao}) and "${b.id}" (${bo}) share priority ${a.priority}: only their order in the list decides.`,
            'Give the rule that should win a higher priority.',
            'warning',
          ),
        );
      }
    }
    if (a.stop && a.conditions.length === 0) {
      for (const { rule: b, i: j } of indexed) {
        if (j !== i && (b.priority < a.priority || (b.priority === a.priority && j > i))) {
          out.push(
            finding('shadowed_rule', ['rules', j], `Rule "${b.id}" never runs: "${a.id}" always matches first and stops evaluation.`, `Give "${a.id}" conditions, or remove its stop flag.`, 'warning'),
          );
        }
      }
    }
  }
  return out;
}
