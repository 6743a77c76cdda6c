import { LlmInputError } from './errors.ts';
import type { JsonSchema } from './json-schema.ts';

/** Risk flags an underwriting note may raise. */
export const RISK_FLAGS = [
  'high_debt_to_income',
  'thin_credit_file',
  'recent_delinquency',
  'income_unverified',
  'employment_unstable',
  'identity_mismatch',
  'document_inconsistency',
  'high_loan_amount',
  'other',
] as const;

/** A risk flag an underwriting note may raise. */
export type RiskFlag = (typeof RISK_FLAGS)[number];

/** What an underwriting note recommends. */
export const RECOMMENDATIONS = ['approve', 'refer', 'decline'] as const;

/** What an underwriting note recommends. */
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** The structured note the LLM writes about an application. */
export interface UnderwritingNote {
  /** Risks it saw, from `RISK_FLAGS`. */
  readonly risk_flags: readonly RiskFlag[];
  /** A short summary for the underwriter. */
  readonly summary: string;
  /** Its recommendation. */
  readonly recommendation: Recommendation;
}

/** Limits of an underwriting note's schema. */
export interface UnderwritingNoteLimits {
  /** Longest summary in characters (default 280). */
  readonly summaryMaxLength?: number;
  /** Most risk flags (default 5). */
  readonly maxFlags?: number;
}

/** Return the JSON schema generation is constrained to; bounded, so output always completes. */
export function underwritingNoteSchema(limits: UnderwritingNoteLimits = {}): JsonSchema {
  return {
    type: 'object',
    properties: {
      risk_flags: { type: 'array', items: { enum: RISK_FLAGS }, maxItems: limits.maxFlags ?? 5 },
      summary: { type: 'string', maxLength: limits.summaryMaxLength ?? 280 },
      recommendation: { enum: RECOMMENDATIONS },
    },
    required: ['risk_flags', 'summary', 'recommendation'],
  };
}

/** Application data the note is written about: flat fields, as a form holds them. */
export type ApplicationFields = Readonly<Record<string, string | number | boolean | null>>;

/** Longest application text the prompt takes, in characters. */
export const MAX_APPLICATION_CHARS = 8000;

const SYSTEM = [
  'You are a credit underwriter at a lender. Read the loan application and write an underwriting note.',
  'Answer with JSON only: {"risk_flags": [...], "summary": "...", "recommendation": "approve" | "refer" | "decline"}.',
  `risk_flags may contain only: ${RISK_FLAGS.join(', ')}.`,
  'Recommend "refer" when the data is incomplete or contradictory.',
].join('\n');

/** Build the system and user prompts of an underwriting note; throw `LlmInputError` on unusable data. */
export function underwritingPrompt(application: ApplicationFields, instructions?: string): { system: string; prompt: string } {
  if (typeof application !== 'object' || application === null || Array.isArray(application)) throw new LlmInputError('the application must be an object of fields');
  const keys = Object.keys(application).sort();
  if (keys.length === 0) throw new LlmInputError('the application has no fields');
  const lines: string[] = [];
  for (const key of keys) {
    const value = application[key];
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) throw new LlmInputError(`application field ${JSON.stringify(key)} must be a string, number, boolean or null`);
    lines.push(`${key}: ${value === null ? 'unknown' : String(value)}`);
  }
  const text = lines.join('\n');
  if (text.length > MAX_APPLICATION_CHARS) throw new LlmInputError(`the application text has ${text.length} characters; at most ${MAX_APPLICATION_CHARS} fit the prompt`);
  return { system: instructions ? `${SYSTEM}\n${instructions}` : SYSTEM, prompt: `Loan application:\n${text}\n\nUnderwriting note as JSON:` };
}
