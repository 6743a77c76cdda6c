import * as z from 'zod';
import { conditionSchema } from '../conditions/condition-schema.ts';
import { NAME_PATTERN } from '../config/journey-schema.ts';
import { doc, schemaRegistry } from '../schema-registry.ts';

/** Decision outcomes. */
export const OUTCOMES = ['approve', 'reject', 'manual_review'] as const;

/** A decision outcome. */
export type Outcome = (typeof OUTCOMES)[number];

const reason = doc(z.string().min(1).optional(), 'Why, in words shown to reviewers and applicants.');
const outcomeParams = z.strictObject({ reason }).optional();

/** An action a matching rule contributes to the decision. */
export const ruleActionSchema = doc(
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('approve'), params: outcomeParams }),
    z.strictObject({ type: z.literal('reject'), params: outcomeParams }),
    z.strictObject({ type: z.literal('manual_review'), params: outcomeParams }),
    z.strictObject({
      type: z.literal('add_condition'),
      params: z.strictObject({ condition: doc(z.string().min(1), 'The condition attached to an approval, e.g. "Guarantor required".') }),
    }),
    z.strictObject({
      type: z.literal('cap_amount'),
      params: z.strictObject({
        max_amount: doc(z.number().positive(), 'Largest amount that may be approved.'),
        field: doc(z.string().min(1).default('loan.amount'), 'Fact holding the requested amount.'),
      }),
    }),
  ]),
  'approve / reject / manual_review decide; add_condition and cap_amount shape an approval.',
  { id: 'RuleAction' },
);

/** One decision rule: when all its conditions match, its actions apply. */
export const decisionRuleSchema = doc(
  z.strictObject({
    id: doc(z.string().regex(NAME_PATTERN), 'Unique rule id, snake_case.'),
    name: doc(z.string().min(1), 'Short human-readable name.'),
    description: z.string().optional(),
    priority: doc(z.int(), 'Higher priorities are evaluated first; among equals, the order of the list.'),
    conditions: doc(z.array(conditionSchema).default([]), 'All must match (use an `any` group for alternatives); empty means always.'),
    actions: doc(z.array(ruleActionSchema).min(1), 'What the rule contributes when it matches.'),
    stop: doc(z.boolean().default(false), 'Stop evaluating lower-priority rules when this one matches.'),
    enabled: doc(z.boolean().default(true), 'Disabled rules are skipped.'),
  }),
  'A priority-ordered decision rule.',
  { id: 'DecisionRule' },
);

/** How the model's risk score (0 = safe, 1 = certain default) maps to an outcome. */
export const modelPolicySchema = doc(
  z.strictObject({
    approve_below: doc(z.number().min(0).max(1).default(0.3), 'Scores at or below this approve.'),
    reject_above: doc(z.number().min(0).max(1).default(0.7), 'Scores at or above this reject; scores in between go to manual review.'),
    weight: doc(z.number().min(0).max(1).default(0.5), 'Weight of the model in the confidence of a rule-decided outcome.'),
  }),
  'How the risk model’s score is combined with the rules.',
  { id: 'ModelPolicy' },
);

/** A tenant's decision rule set. */
export const ruleSetSchema = doc(
  z.strictObject({
    $schema: z.string().optional(),
    tenant_id: doc(z.string().min(1), 'Tenant the rules belong to.'),
    version: doc(z.string().min(1), 'Version of the rule set; decisions record it.'),
    name: z.string().optional(),
    description: z.string().optional(),
    default_outcome: doc(z.enum(OUTCOMES).default('manual_review'), 'Outcome when no rule decides and no model score is given.'),
    model: modelPolicySchema.default({ approve_below: 0.3, reject_above: 0.7, weight: 0.5 }),
    rules: doc(z.array(decisionRuleSchema), 'The rules, evaluated by descending priority.'),
  }),
  'A tenant’s credit decision rules: priority-ordered conditions and actions, combined with a model score.',
  { title: 'Metis decision rule set' },
);

/** A validated rule set with defaults filled in. */
export type RuleSet = z.output<typeof ruleSetSchema>;

/** A rule set as a tenant writes it. */
export type RuleSetInput = z.input<typeof ruleSetSchema>;

/** One validated decision rule. */
export type DecisionRule = z.output<typeof decisionRuleSchema>;

/** One validated rule action. */
export type RuleAction = z.output<typeof ruleActionSchema>;

/** Generate the JSON Schema of rule sets (draft 2020-12), as published in `schema/rule-set.schema.json`. */
export function ruleSetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ruleSetSchema, { io: 'input', metadata: schemaRegistry, target: 'draft-2020-12' });
}
