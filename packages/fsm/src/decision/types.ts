import type { Outcome, RuleAction } from './rule-set-schema.ts';

/** How one rule fared against the facts. */
export interface RuleTrace {
  ruleId: string;
  ruleName: string;
  priority: number;
  matched: boolean;
  /** The rule's conditions with the actual values, e.g. `loan.amount > 1000000 (was 1500000)`. */
  explanation: string;
  actions: RuleAction[];
}

/** The rules that matched, in priority order, plus the full trace. */
export interface RuleEvaluation {
  /** Matching rules, highest priority first. */
  matched: RuleTrace[];
  /** Every enabled rule that was evaluated, highest priority first. */
  trace: RuleTrace[];
  /** The rule whose `stop` flag ended evaluation, if any. */
  stoppedBy: string | null;
}

/** Options for a decision. */
export interface DecideOptions {
  /** The risk model's score in [0, 1] (0 = safe, 1 = certain default), if one was computed. */
  modelScore?: number;
}

/** A credit decision: outcome, confidence in [0, 1], reasons and the conditions of an approval. */
export interface Decision {
  outcome: Outcome;
  confidence: number;
  reasons: string[];
  /** Conditions attached to the outcome (empty for rejections). */
  conditions: string[];
  /** Largest amount that may be approved, when a rule capped it. */
  cappedAmount: number | null;
  /** What decided: the rules, the model, both, or the rule set's default. */
  decidedBy: 'rules' | 'model' | 'rules_and_model' | 'default';
  /** Ids of the rules that matched, highest priority first. */
  matchedRules: string[];
  modelScore: number | null;
  ruleSetVersion: string;
}
