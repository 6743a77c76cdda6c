import type { Outcome, RuleAction, RuleSet } from './rule-set-schema.ts';
import type { Decision, RuleEvaluation, RuleTrace } from './types.ts';

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

function outcomeAction(t: RuleTrace): Extract<RuleAction, { type: Outcome }> | undefined {
  return t.actions.find((a): a is Extract<RuleAction, { type: Outcome }> => a.type === 'approve' || a.type === 'reject' || a.type === 'manual_review');
}

/** Map a model score to an outcome and the model's confidence in it. */
export function modelVerdict(ruleSet: RuleSet, score: number): { outcome: Outcome; confidence: number; reason: string } {
  const { approve_below: low, reject_above: high } = ruleSet.model;
  if (score <= low) {
    const confidence = low === 0 ? 1 : 0.5 + (0.5 * (low - score)) / low;
    return { outcome: 'approve', confidence, reason: `Model risk score ${score} is at or below ${low} → approve.` };
  }
  if (score >= high) {
    const confidence = high === 1 ? 1 : 0.5 + (0.5 * (score - high)) / (1 - high);
    return { outcome: 'reject', confidence, reason: `Model risk score ${score} is at or above ${high} → reject.` };
  }
  return { outcome: 'manual_review', confidence: 0.5, reason: `Model risk score ${score} lies between ${low} and ${high} → manual_review.` };
}

/** Combine rule matches and the model score into a decision. */
export function combine(ruleSet: RuleSet, evaluation: RuleEvaluation, amounts: ReadonlyMap<string, number>, modelScore: number | undefined): Decision {
  if (modelScore !== undefined && !(modelScore >= 0 && modelScore <= 1)) throw new RangeError(`Model score must lie in [0, 1], got ${modelScore}.`);
  const reasons: string[] = [];
  const conditions: string[] = [];
  let cap: number | null = null;
  let decisive: { outcome: Outcome; rule: RuleTrace } | undefined;
  for (const t of evaluation.matched) {
    const action = outcomeAction(t);
    const verdict = action ? ` → ${action.type}${action.params?.reason ? ` (${action.params.reason})` : ''}` : '';
    reasons.push(`[${t.priority}] ${t.ruleId} “${t.ruleName}”: ${t.explanation}${verdict}`);
    if (action && !decisive) decisive = { outcome: action.type, rule: t };
    for (const a of t.actions) {
      if (a.type === 'add_condition' && !conditions.includes(a.params.condition)) conditions.push(a.params.condition);
      if (a.type === 'cap_amount') {
        cap = cap === null ? a.params.max_amount : Math.min(cap, a.params.max_amount);
        const requested = amounts.get(a.params.field);
        const line = `Amount capped at ${a.params.max_amount}${requested !== undefined ? ` (requested ${requested})` : ''}`;
        if (!conditions.includes(line)) conditions.push(line);
      }
    }
  }
  if (evaluation.stoppedBy !== null) reasons.push(`Evaluation stopped after rule ${evaluation.stoppedBy}.`);
  const model = modelScore === undefined ? undefined : modelVerdict(ruleSet, modelScore);
  if (model) reasons.push(model.reason);

  let outcome: Outcome;
  let confidence: number;
  let decidedBy: Decision['decidedBy'];
  if (decisive) {
    outcome = decisive.outcome;
    decidedBy = model ? 'rules_and_model' : 'rules';
    const w = ruleSet.model.weight;
    const agreement = model ? (model.outcome === outcome ? model.confidence : 1 - model.confidence) : 1;
    confidence = model ? 1 - w + w * agreement : 1;
    if (outcome === 'approve' && model?.outcome === 'reject') {
      outcome = 'manual_review';
      confidence = model.confidence;
      reasons.push(`Rule ${decisive.rule.ruleId} approves but the model rejects → manual_review.`);
    }
  } else if (model) {
    outcome = model.outcome;
    confidence = model.confidence;
    decidedBy = 'model';
  } else {
    outcome = ruleSet.default_outcome;
    confidence = 0;
    decidedBy = 'default';
    reasons.push(`No rule decided and no model score was given → default outcome ${outcome}.`);
  }
  const rejected = outcome === 'reject';
  return {
    outcome,
    confidence: round(confidence),
    reasons,
    conditions: rejected ? [] : conditions,
    cappedAmount: rejected ? null : cap,
    decidedBy,
    matchedRules: evaluation.matched.map((t) => t.ruleId),
    modelScore: modelScore ?? null,
    ruleSetVersion: ruleSet.version,
  };
}
