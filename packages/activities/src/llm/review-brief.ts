import type { CreditSummary, RiskAssessment } from '../loans/loan-types.ts';
import { LlmInputError } from './errors.ts';
import type { JsonSchema } from './json-schema.ts';
import { RISK_FLAGS } from './underwriting-note.ts';
import type { RiskFlag } from './underwriting-note.ts';

/** One risk a brief raises, with the fact paths (e.g. `applicant.emi_to_income`) that support it. */
export interface ReviewBriefFlag {
  /** The risk, from `RISK_FLAGS`. */
  readonly flag: RiskFlag;
  /** Paths of the facts given to the model that support it; never empty once validated. */
  readonly fields: readonly string[];
}

/** The brief an underwriter gets with a loan waiting for manual review. */
export interface ReviewBrief {
  /** What the underwriter should know, in a few sentences. */
  readonly summary: string;
  /** Risks, each with the facts that support it. */
  readonly flags: readonly ReviewBriefFlag[];
  /** What to ask the applicant or check before deciding. */
  readonly questions: readonly string[];
}

/** Limits of a brief's schema (they also bound how many tokens it takes). */
export interface ReviewBriefLimits {
  /** Longest summary in characters (default 240). */
  readonly summaryMaxLength?: number;
  /** Most flags (default 4). */
  readonly maxFlags?: number;
  /** Most fact paths one flag cites (default 3). */
  readonly maxFieldsPerFlag?: number;
  /** Most questions (default 3). */
  readonly maxQuestions?: number;
  /** Longest question in characters (default 120). */
  readonly questionMaxLength?: number;
}

/** A fact's value as the model sees it. */
export type BriefFactValue = string | number | boolean | null;

/** Facts the brief is written from, flat, by path (`applicant.emi_to_income`); no personal data. */
export type ReviewBriefFacts = Readonly<Record<string, BriefFactValue>>;

/** The rules' facts of a loan, by section (`applicant`, `loan`, `bureau`, …), as the loan workflow builds them. */
export type BriefFactSections = Readonly<Record<string, Readonly<Record<string, BriefFactValue>>>>;

/** What a brief is written from: the loan's facts, checks and the rules' reasons. */
export interface ReviewBriefSources {
  /** The facts the rules decided on. */
  readonly facts: BriefFactSections;
  /** The bureau's summary, when there is one. */
  readonly credit: CreditSummary | null;
  /** The risk model's answer. */
  readonly risk: RiskAssessment | null;
  /** Why the rules sent the application to review. */
  readonly reasons: readonly string[];
}

/** Longest prompt text of a brief (the facts and reasons), in characters: with the instructions and the schema it leaves room for the answer in a 2,048-token context even when a model spends a token per byte. */
export const MAX_BRIEF_FACTS_CHARS = 1200;
const MAX_VALUE_CHARS = 120;
/** Contributing factors of the risk score given to the model, largest first. */
const MAX_RISK_FACTORS = 5;
// Keys whose values identify a person: never given to the model, whatever section they arrive in.
const PERSONAL_KEYS = /(^|_)(pan|aadhaar|aadhar|phone|mobile|email|e_mail|name|dob|date_of_birth|address|account_number|ifsc)($|_)/i;

/** Mask identifiers a free-text value may carry: e-mail addresses, PANs, Aadhaar and phone numbers, long digit runs. */
export function maskPersonalData(text: string): string {
  return text
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]')
    .replace(/\b[A-Za-z]{5}[0-9]{4}[A-Za-z]\b/g, '[pan]')
    .replace(/\b\d{4}[\s-]?\d{4}[\s-]?\d{4}\b/g, '[aadhaar]')
    .replace(/(\+?91[\s-]?)?\b[6-9]\d{9}\b/g, '[phone]')
    .replace(/\d{9,}/g, '[number]');
}

const CREDIT_IN_BUREAU_FACTS = new Set(['score', 'historyMonths', 'maxDaysPastDue', 'enquiriesLast6Months']);
const snake = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase();

function factValue(value: unknown): BriefFactValue | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null;
  if (typeof value === 'string') return maskPersonalData(value).slice(0, MAX_VALUE_CHARS);
  return undefined;
}

/** Flatten a loan's facts, checks and reasons into the fact paths a brief may cite, without personal data. */
export function reviewBriefFacts(sources: ReviewBriefSources): ReviewBriefFacts {
  const out: Record<string, BriefFactValue> = {};
  const put = (path: string, value: unknown): void => {
    const key = path.split('.').map(snake).join('.');
    if (key.split('.').some((part) => PERSONAL_KEYS.test(part))) return;
    const v = factValue(value);
    if (v !== undefined) out[key] = v;
  };
  for (const [section, fields] of Object.entries(sources.facts ?? {})) {
    if (typeof fields !== 'object' || fields === null) continue;
    for (const [field, value] of Object.entries(fields)) put(`${section}.${field}`, value);
  }
  // The bureau section of the facts has the score, history, DPD and enquiries already; the report id identifies nothing useful.
  const hasBureau = typeof sources.facts?.['bureau'] === 'object';
  for (const [field, value] of Object.entries(sources.credit ?? {})) {
    if (field === 'reportId' || (hasBureau && CREDIT_IN_BUREAU_FACTS.has(field))) continue;
    put(`credit.${field}`, value);
  }
  if (sources.risk) {
    put('risk.score', sources.risk.riskScore);
    put('risk.category', sources.risk.riskCategory);
    put('risk.model_version', sources.risk.modelVersion);
    // The factors that moved the score most; the rest add length, not meaning.
    const factors = Object.entries(sources.risk.contributingFactors ?? {}).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, MAX_RISK_FACTORS);
    for (const [factor, weight] of factors) put(`risk.factors.${factor}`, weight);
  }
  // Reasons go in while they fit the prompt; how many did not is said, so the brief knows.
  const length = (): number => Object.entries(out).reduce((n, [k, v]) => n + k.length + String(v).length + 3, 0);
  const reasons = sources.reasons ?? [];
  let given = 0;
  for (const [i, reason] of reasons.entries()) {
    put(`rules.reason_${i + 1}`, reason);
    if (length() > MAX_BRIEF_FACTS_CHARS - 40) {
      delete out[`rules.reason_${i + 1}`];
      break;
    }
    given += 1;
  }
  if (given < reasons.length) out['rules.reasons_omitted'] = reasons.length - given;
  return out;
}

/** Return the JSON schema a brief is generated under; `fields` may name only the given fact paths. */
export function reviewBriefSchema(paths: readonly string[], limits: ReviewBriefLimits = {}): JsonSchema {
  if (paths.length === 0) throw new LlmInputError('a brief needs at least one fact');
  return {
    type: 'object',
    properties: {
      summary: { type: 'string', maxLength: limits.summaryMaxLength ?? 240 },
      flags: {
        type: 'array',
        maxItems: limits.maxFlags ?? 4,
        items: { type: 'object', properties: { flag: { enum: RISK_FLAGS }, fields: { type: 'array', minItems: 1, maxItems: limits.maxFieldsPerFlag ?? 3, items: { enum: [...paths] } } } },
      },
      questions: { type: 'array', maxItems: limits.maxQuestions ?? 3, items: { type: 'string', maxLength: limits.questionMaxLength ?? 120 } },
    },
    required: ['summary', 'flags', 'questions'],
  };
}

const SYSTEM = [
  'You brief a credit underwriter on a loan application waiting for manual review. Use only the facts given.',
  'Answer with JSON only: {"summary": "...", "flags": [{"flag": "...", "fields": ["<fact path>"]}], "questions": ["..."]}.',
  `flag is one of: ${RISK_FLAGS.join(', ')}; fields are the fact paths that support it.`,
  'questions are what to ask the applicant or check before deciding.',
].join('\n');

/** Build the system and user prompts of a brief; throw `LlmInputError` when the facts are empty or too long. */
export function reviewBriefPrompt(facts: ReviewBriefFacts): { system: string; prompt: string } {
  const lines = Object.entries(facts).map(([path, value]) => `${path}: ${value === null ? 'unknown' : String(value)}`);
  if (lines.length === 0) throw new LlmInputError('a brief needs at least one fact');
  const text = lines.join('\n');
  if (text.length > MAX_BRIEF_FACTS_CHARS) throw new LlmInputError(`the facts of the brief take ${text.length} characters; at most ${MAX_BRIEF_FACTS_CHARS} fit the prompt`);
  return { system: SYSTEM, prompt: `Facts (path: value):\n${text}\n\nBrief as JSON:` };
}

/** Keep only the cited fields that are facts given to the model; drop flags left without one. Return the brief and what was dropped (`flag:field`). */
export function checkBriefFields(brief: ReviewBrief, facts: ReviewBriefFacts): { brief: ReviewBrief; dropped: string[] } {
  const dropped: string[] = [];
  const flags: ReviewBriefFlag[] = [];
  for (const f of brief.flags) {
    const fields = f.fields.filter((field) => Object.hasOwn(facts, field));
    for (const field of f.fields) if (!fields.includes(field)) dropped.push(`${f.flag}:${field}`);
    if (fields.length > 0) flags.push({ flag: f.flag, fields: [...new Set(fields)] });
    else if (f.fields.length === 0) dropped.push(`${f.flag}:`);
  }
  return { brief: { summary: brief.summary, flags, questions: [...brief.questions] }, dropped };
}
