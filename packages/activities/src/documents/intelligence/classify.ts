import { verhoeffValidate } from '@metis/fsm';
import { allCardDates, hasKeyword, keyOf } from './text-layout.ts';
import type { LayoutLine } from './text-layout.ts';
import type { Classification, ClassifiedType, DocumentType } from './types.ts';

interface Cue {
  readonly keyword: string;
  readonly weight: number;
}

const KEYWORDS: Readonly<Record<DocumentType, readonly Cue[]>> = {
  pan: [
    { keyword: 'INCOME TAX DEPARTMENT', weight: 3 },
    { keyword: 'PERMANENT ACCOUNT NUMBER', weight: 3 },
    { keyword: 'GOVT OF INDIA', weight: 1 },
    { keyword: "FATHER'S NAME", weight: 1.5 },
  ],
  aadhaar: [
    { keyword: 'AADHAAR', weight: 3 },
    { keyword: 'GOVERNMENT OF INDIA', weight: 1.5 },
    { keyword: 'UNIQUE IDENTIFICATION AUTHORITY', weight: 3 },
    { keyword: 'VID', weight: 0.5 },
  ],
  bank_statement: [
    { keyword: 'STATEMENT OF ACCOUNT', weight: 3 },
    { keyword: 'STATEMENT', weight: 1 },
    { keyword: 'IFSC', weight: 2.5 },
    { keyword: 'CLOSING BALANCE', weight: 2 },
    { keyword: 'OPENING BALANCE', weight: 1.5 },
    { keyword: 'ACCOUNT NO', weight: 1 },
    { keyword: 'BANK', weight: 1 },
    { keyword: 'NARRATION', weight: 0.5 },
    { keyword: 'DEBIT', weight: 0.5 },
    { keyword: 'CREDIT', weight: 0.5 },
  ],
};

/** Score a document as unknown at this level: a type needs clearly more evidence to win. */
const UNKNOWN_SCORE = 2.5;
const PAN_TOKEN = /[A-Z]{5}[0-9]{4}[A-Z]/;
const AMOUNT = /\d{1,3}(,\d{2,3})*\.\d{2}\b/g;

/**
 * Classify a document from its recognised lines: weighted keywords, identifier patterns (a PAN,
 * a Verhoeff-valid 12-digit number, an IFSC) and layout (amount columns, dates, card or page shape),
 * turned into probabilities with a softmax against a fixed `unknown` score.
 */
export function classifyDocument(layout: readonly LayoutLine[], shape: { width: number; height: number }): Classification {
  const lines = layout.filter((l) => !l.pending);
  const scores: Record<ClassifiedType, number> = { pan: 0, aadhaar: 0, bank_statement: 0, unknown: UNKNOWN_SCORE };
  const signals: string[] = [];
  const add = (type: DocumentType, weight: number, signal: string): void => {
    scores[type] += weight;
    signals.push(`${type}:${signal}`);
  };
  const keys = lines.map((l) => l.key);
  const all = keys.join('|');
  for (const type of Object.keys(KEYWORDS) as DocumentType[]) {
    for (const cue of KEYWORDS[type]) {
      if (cue.keyword.length <= 4 ? keys.some((k) => k.includes(keyOf(cue.keyword))) : keys.some((k) => hasKeyword(k, cue.keyword))) {
        add(type, cue.weight, `keyword:${cue.keyword}`);
      }
    }
  }
  if (keys.some((k) => PAN_TOKEN.test(k) && k.length <= 12)) add('pan', 3, 'pattern:pan');
  const twelve = lines.map((l) => l.text.replace(/\s/g, '')).filter((t) => /^\d{12}$/.test(t));
  if (twelve.length > 0) add('aadhaar', twelve.some((t) => verhoeffValidate(t)) ? 3.5 : 2, 'pattern:12-digit-number');
  if (keys.some((k) => k === 'MALE' || k === 'FEMALE' || /(GENDER|SEX)(MALE|FEMALE)/.test(k))) add('aadhaar', 1.5, 'field:gender');
  if (/(DOB|YEAROFBIRTH)/.test(all)) add('aadhaar', 1, 'label:dob');
  if (/[A-Z]{4}0[A-Z0-9]{6}/.test(all)) add('bank_statement', 1.5, 'pattern:ifsc');
  const amountLines = lines.filter((l) => (l.text.match(AMOUNT) ?? []).length > 0).length;
  if (amountLines >= 5) add('bank_statement', 2, `layout:${amountLines}-amount-lines`);
  const dateLines = lines.filter((l) => allCardDates(l.text).length > 0).length;
  if (dateLines >= 5) add('bank_statement', 1, `layout:${dateLines}-dated-lines`);
  const aspect = shape.width / Math.max(1, shape.height);
  if (aspect < 0.9 && lines.length >= 15) add('bank_statement', 1, 'layout:page');
  if (aspect > 1.2 && lines.length <= 20) {
    scores.pan += 0.5;
    scores.aadhaar += 0.5;
    signals.push('layout:card');
  }
  const types = Object.keys(scores) as ClassifiedType[];
  const max = Math.max(...types.map((t) => scores[t]));
  const exp = types.map((t) => Math.exp(scores[t] - max));
  const total = exp.reduce((a, b) => a + b, 0);
  const probabilities = Object.fromEntries(types.map((t, i) => [t, Math.round(((exp[i] ?? 0) / total) * 1000) / 1000])) as Record<ClassifiedType, number>;
  const type = types.reduce((best, t) => (probabilities[t] > probabilities[best] ? t : best), 'unknown' as ClassifiedType);
  return { type, confidence: probabilities[type], probabilities, signals };
}
