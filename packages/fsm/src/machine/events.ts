import * as z from 'zod';
import { jsonObjectSchema } from '../json.ts';
import { doc } from '../schema-registry.ts';

/** An ISO 8601 date or date-time, e.g. `2025-04-01` or `2025-04-01T10:15:00Z`. */
export const AS_OF_PATTERN = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

const asOf = doc(
  z.string().regex(AS_OF_PATTERN).optional(),
  'When the event happened (ISO 8601), supplied by the caller: used by age rules and recorded in history.',
);
const stateName = z.string().min(1);

/** The applicant (or the tenant's service) submits the current step's data. */
export const submitEventSchema = z.strictObject({
  type: z.literal('SUBMIT'),
  state: doc(stateName.optional(), 'The state the submission is for; rejected as stale when the journey has moved on.'),
  next: doc(stateName.optional(), 'Chosen next state; by default the first valid next state whose guard passes.'),
  data: doc(jsonObjectSchema.default({}), 'Field values; they accumulate in the journey data.'),
  asOf,
});

/** An automated state's activity reports its result. */
export const automatedResultEventSchema = z.strictObject({
  type: z.literal('AUTOMATED_RESULT'),
  state: doc(stateName, 'The automated state the result is for.'),
  next: doc(stateName.optional(), 'Outcome state; by default the first valid next state whose guard passes on the result.'),
  result: doc(jsonObjectSchema.default({}), 'The activity’s result, kept under results[state].'),
  asOf,
});

/** A state's timer expired. */
export const timeoutEventSchema = z.strictObject({
  type: z.literal('TIMEOUT'),
  state: doc(stateName, 'The state whose timer expired.'),
  asOf,
});

/** An operator moves the journey along a valid transition (skipping data checks and guards) or amends data. */
export const operatorEventSchema = z.strictObject({
  type: z.literal('OPERATOR'),
  action: z.enum(['move', 'amend']),
  operator: doc(z.string().min(1), 'Who acted (an operator id).'),
  reason: doc(z.string().min(1), 'Why, recorded in history.'),
  state: stateName.optional(),
  next: doc(stateName.optional(), 'Target state for `move` (one of the valid next states).'),
  data: doc(jsonObjectSchema.optional(), 'Corrected field values (required for `amend`), type-checked and validated.'),
  asOf,
});

/** Any journey event. */
export const journeyEventSchema = z.discriminatedUnion('type', [
  submitEventSchema,
  automatedResultEventSchema,
  timeoutEventSchema,
  operatorEventSchema,
]);

/** An event after validation (defaults filled in). */
export type JourneyEvent = z.output<typeof journeyEventSchema>;

/** An event as a caller writes it (`data`/`result` may be omitted). */
export type JourneyEventInput = z.input<typeof journeyEventSchema>;

/** The event type names. */
export type JourneyEventType = JourneyEvent['type'];

/** A validated SUBMIT event. */
export type SubmitEvent = z.output<typeof submitEventSchema>;

/** A validated AUTOMATED_RESULT event. */
export type AutomatedResultEvent = z.output<typeof automatedResultEventSchema>;

/** A validated TIMEOUT event. */
export type TimeoutEvent = z.output<typeof timeoutEventSchema>;

/** A validated OPERATOR event. */
export type OperatorEvent = z.output<typeof operatorEventSchema>;
