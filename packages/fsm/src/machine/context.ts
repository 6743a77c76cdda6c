import * as z from 'zod';
import { jsonObjectSchema } from '../json.ts';
import { AS_OF_PATTERN } from './events.ts';

const historyEntrySchema = z.strictObject({
  seq: z.int().positive(),
  event: z.enum(['SUBMIT', 'AUTOMATED_RESULT', 'TIMEOUT', 'OPERATOR']),
  from: z.string(),
  to: z.string(),
  asOf: z.string().optional(),
  operator: z.string().optional(),
  reason: z.string().optional(),
});

/** Validate a journey's context: accumulated data, automated results, timeout counts and history. */
export const journeyContextSchema = z.strictObject({
  data: jsonObjectSchema,
  results: z.record(z.string(), jsonObjectSchema),
  timeouts: z.record(z.string(), z.int().min(0)),
  history: z.array(historyEntrySchema),
  startedAt: z.string().nullable(),
});

/** The machine's context, plain JSON. */
export type JourneyContext = z.output<typeof journeyContextSchema>;

/** One transition in a journey's history. */
export type HistoryEntry = z.output<typeof historyEntrySchema>;

/** The persisted-snapshot format tag. */
export const PERSISTED_FORMAT = 'metis.journey/1';

/** Validate a persisted journey snapshot. */
export const persistedJourneySchema = z.strictObject({
  format: z.literal(PERSISTED_FORMAT),
  journeyType: z.string().min(1),
  version: z.string().min(1),
  state: z.string().min(1),
  status: z.enum(['active', 'done']),
  context: journeyContextSchema,
});

/** A journey snapshot as stored by the workflow: plain JSON, pinned to its config's type and version. */
export type PersistedJourney = z.output<typeof persistedJourneySchema>;

/** Validate the input for starting a journey. */
export const journeyInputSchema = z.strictObject({
  data: jsonObjectSchema.optional(),
  asOf: z.string().regex(AS_OF_PATTERN).optional(),
});

/** Input for starting a journey: data known before the first step (e.g. prefilled), and when it started (ISO 8601). */
export type JourneyInput = z.input<typeof journeyInputSchema>;

/** Build the context a journey starts with. */
export function initialContext(input: JourneyInput | undefined): JourneyContext {
  return { data: { ...(input?.data ?? {}) }, results: {}, timeouts: {}, history: [], startedAt: input?.asOf ?? null };
}
