import * as z from 'zod';
import { conditionSchema } from '../conditions/condition-schema.ts';
import { jsonObjectSchema } from '../json.ts';
import { FIELD_TYPES } from '../rules/field-types.ts';
import { REGISTRY_NAME_PATTERN } from '../named-registry.ts';
import { doc, schemaRegistry } from '../schema-registry.ts';
import { DURATION_PATTERN } from './duration.ts';

/** State, field, rule and guard names: snake_case, starting with a letter (the names registries accept). */
export const NAME_PATTERN = REGISTRY_NAME_PATTERN;

/** Journey types: `kyc`, `loan` or a custom kebab/snake-case name. */
export const JOURNEY_TYPE_PATTERN = /^[a-z][a-z0-9_-]*$/;

const name = (what: string): z.ZodString => doc(z.string().regex(NAME_PATTERN), what);

/** A field's declared type and presentation. */
export const fieldSpecSchema = doc(
  z.strictObject({
    type: doc(z.enum(FIELD_TYPES), 'Type checked on every submission; `document` means document metadata from the upload/OCR step.'),
    label: doc(z.string().optional(), 'Label shown to the applicant.'),
    description: doc(z.string().optional(), 'Help text shown to the applicant.'),
    pii: doc(z.boolean().optional(), 'Whether the value is personal data (redacted in logs, encrypted in payloads).'),
  }),
  'Declared type of a data field.',
  { id: 'FieldSpec' },
);

/** A validation rule by name, or with the fields it checks and its parameters. */
export const validationRuleRefSchema = doc(
  z.union([
    name('Name of a registered validation rule; it checks the fields its selector picks.'),
    z.strictObject({
      rule: name('Name of a registered validation rule.'),
      fields: doc(z.array(z.string().min(1)).min(1).optional(), 'Fields to check; by default the rule picks them by name and type.'),
      params: doc(jsonObjectSchema.optional(), 'Parameters of the rule, e.g. {"max_bytes": 2000000} for image_size.'),
    }),
  ]),
  'A validation rule: its name, or {rule, fields, params}.',
  { id: 'ValidationRuleRef' },
);

/** A transition guard: a registered guard by name (with params), or an inline condition. */
export const guardRefSchema = doc(
  z.union([
    name('Name of a registered guard.'),
    z.strictObject({
      guard: name('Name of a registered guard.'),
      params: doc(jsonObjectSchema.optional(), 'Parameters of the guard.'),
    }),
    z.strictObject({
      when: doc(conditionSchema, 'Condition over {data, results}: e.g. {"field": "results.document_verification.verified", "operator": "eq", "value": true}.'),
    }),
  ]),
  'A guard on a transition: a registered guard name, {guard, params}, or {when: condition}.',
  { id: 'GuardRef' },
);

const automationName = doc(z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/), 'Name of an automation, e.g. `metis.verify_documents` or `kyc.document_verification`.');

/** One state of a journey, in the tenant config's shape. */
export const journeyStateSchema = doc(
  z.strictObject({
    state_name: name('Unique state name, snake_case.'),
    description: doc(z.string().optional(), 'What happens in this state.'),
    valid_next_states: doc(z.array(z.string()).default([]), 'States this one may move to; the first one whose guard passes is the default.'),
    required_fields: doc(z.array(z.string().min(1)).default([]), 'Fields a submission must provide (or that earlier steps provided).'),
    validation_rules: doc(z.array(validationRuleRefSchema).default([]), 'Validation rules run on this state’s fields when a step is submitted.'),
    automated: doc(z.boolean().default(false), 'Whether the system (not the applicant) completes this state, by an automated result event.'),
    automation: doc(
      z.union([automationName, z.strictObject({ name: automationName, params: doc(jsonObjectSchema.optional(), 'Parameters of the automation.') })]).optional(),
      'What runs in this automated state: a built-in (`metis.verify_documents`, `metis.underwrite_loan`) or a worker automation by name, optionally with params. Without it the worker runs the automation registered as `{journey_type}.{state}` or `{state}`.',
    ),
    timeout: doc(
      z.string().regex(DURATION_PATTERN).optional(),
      'How long the state may last, e.g. "30s", "5m", "2h", "1d", "1h30m". When it expires a TIMEOUT event follows `on_timeout`.',
    ),
    on_timeout: doc(z.string().optional(), 'State to move to when the timeout expires (one of valid_next_states); without it the state is retried.'),
    guards: doc(
      z.record(z.string(), guardRefSchema).optional(),
      'Guards keyed by target state: the move to that state is allowed only when its guard passes.',
    ),
    final_state: doc(z.boolean().default(false), 'Whether the journey ends here; final states have no next states.'),
  }),
  'One state of the journey.',
  { id: 'JourneyState' },
);

/** A tenant's journey config: its states, field types and version. */
export const journeyConfigSchema = doc(
  z.strictObject({
    $schema: doc(z.string().optional(), 'Location of this JSON Schema, for editors.'),
    journey_type: doc(
      z.union([z.enum(['kyc', 'loan']), z.string().regex(JOURNEY_TYPE_PATTERN)]),
      'Kind of journey: "kyc", "loan" or a custom name.',
    ),
    version: doc(z.string().min(1), 'Version of this config; running journeys stay pinned to the version they started with.'),
    name: doc(z.string().optional(), 'Display name.'),
    description: doc(z.string().optional(), 'What the journey is for.'),
    initial_state: doc(z.string().optional(), 'State the journey starts in; defaults to the first state.'),
    fields: doc(z.record(z.string().regex(NAME_PATTERN), fieldSpecSchema).default({}), 'Declared types of the data fields, by field name.'),
    states: doc(z.array(journeyStateSchema).min(1), 'The states, in display order.'),
  }),
  'A tenant journey (KYC, loan or custom) as a state machine: states, transitions, required fields, validation rules, timeouts.',
  { title: 'Metis journey config' },
);

/** A journey config after validation, with defaults filled in. */
export type JourneyConfig = z.output<typeof journeyConfigSchema>;

/** A journey config as written by a tenant (optional keys may be omitted). */
export type JourneyConfigInput = z.input<typeof journeyConfigSchema>;

/** One state of a validated journey config. */
export type JourneyStateConfig = z.output<typeof journeyStateSchema>;

/** A validation rule reference in a journey config. */
export type ValidationRuleRef = z.output<typeof validationRuleRefSchema>;

/** A guard reference in a journey config. */
export type GuardRef = z.output<typeof guardRefSchema>;

/** A field declaration in a journey config. */
export type FieldSpec = z.output<typeof fieldSpecSchema>;

/** Generate the JSON Schema of journey configs (draft 2020-12), as published in `schema/journey-config.schema.json`. */
export function journeyConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(journeyConfigSchema, { io: 'input', metadata: schemaRegistry, target: 'draft-2020-12' });
}
