import { verhoeffValidate } from '@metis/fsm';
import { hasKeyword, isLabel, parseCardDate } from './text-layout.ts';
import type { LayoutLine } from './text-layout.ts';
import type { RawField } from './types.ts';

const TO_LETTER: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '7': 'T', '8': 'B' };
const TO_DIGIT: Readonly<Record<string, string>> = { O: '0', D: '0', Q: '0', U: '0', I: '1', L: '1', J: '1', T: '7', Z: '2', S: '5', B: '8', G: '6', A: '4' };
const PAN_SHAPE = 'LLLLLDDDDL';
const NOT_NAMES = ['INCOME TAX DEPARTMENT', 'GOVT OF INDIA', 'GOVERNMENT OF INDIA', 'PERMANENT ACCOUNT NUMBER', 'SIGNATURE', 'DATE OF BIRTH', 'AADHAAR'];

/** Lower a confidence by 15% per corrected character. */
function penalised(confidence: number, corrections: number): number {
  return Math.round(confidence * Math.pow(0.85, corrections) * 1000) / 1000;
}

/** Fix letter/digit confusions by position in a PAN (5 letters, 4 digits, 1 letter); undefined if it cannot be one. */
export function correctPan(candidate: string): { pan: string; corrections: number } | undefined {
  if (candidate.length !== 10) return undefined;
  let pan = '';
  let corrections = 0;
  for (let i = 0; i < 10; i++) {
    const ch = candidate.charAt(i);
    const wantDigit = PAN_SHAPE.charAt(i) === 'D';
    const isDigit = ch >= '0' && ch <= '9';
    if (wantDigit === isDigit) {
      pan += ch;
    } else {
      const fixed = wantDigit ? TO_DIGIT[ch] : TO_LETTER[ch];
      if (!fixed) return undefined;
      pan += fixed;
      corrections++;
    }
  }
  return { pan, corrections };
}

/** Find the nearest line below (or above) a line, overlapping it horizontally; it may be pending. */
function next(lines: readonly LayoutLine[], from: LayoutLine, direction: 1 | -1 = 1): LayoutLine | undefined {
  let best: LayoutLine | undefined;
  for (const l of lines) {
    const dy = (l.cy - from.cy) * direction;
    if (l === from || dy <= Math.min(from.height, l.height) * 0.3 || dy > Math.max(from.height, l.height) * 3.5) continue;
    if (l.right < from.left || l.left > from.right + from.height * 8) continue;
    if (!best || Math.abs(l.cy - from.cy) < Math.abs(best.cy - from.cy)) best = l;
  }
  return best;
}

/** In a title-case name a word cannot start with a lower-case l: it is a capital I (`lyer` → `Iyer`). */
function titleCaseFix(name: string): string {
  const words = name.split(' ');
  const titled = words.filter((w) => /^[A-Z][a-z]/.test(w)).length;
  return titled * 2 >= words.length ? words.map((w) => (/^l[a-z]/.test(w) ? `I${w.slice(1)}` : w)).join(' ') : name;
}

const NAME_WORD = /^[A-Za-z][A-Za-z.']*$/;

/** The words of a printed name, stray marks at either end (photo edges, QR dots) dropped; undefined if it is not a name. */
function nameOf(l: LayoutLine): string | undefined {
  if (l.pending || NOT_NAMES.some((k) => hasKeyword(l.key, k))) return undefined;
  const tokens = l.text.split(/\s+/).filter((t) => t.length > 0);
  let a = 0;
  let b = tokens.length;
  while (a < b && !NAME_WORD.test(tokens[a] ?? '')) a++;
  while (b > a && !NAME_WORD.test(tokens[b - 1] ?? '')) b--;
  const words = tokens.slice(a, b);
  if (words.length === 0 || !words.every((w) => NAME_WORD.test(w))) return undefined;
  const letters = words.join('').replace(/[^A-Za-z]/g, '').length;
  return letters >= 3 && letters >= l.text.replace(/\s/g, '').length * 0.6 ? words.join(' ') : undefined;
}

/** Report whether a line is a label, allowing up to 3 stray characters before it. */
function isLabelLine(l: LayoutLine, label: string): boolean {
  for (let skip = 0; skip <= Math.min(3, l.key.length - 1); skip++) if (isLabel(l.key.slice(skip), label)) return true;
  return false;
}

/** Find the PAN: a 10-character word first, else any 10-character run of a short line. */
function findPan(lines: readonly LayoutLine[]): { pan: string; corrections: number; confidence: number } | undefined {
  let best: { pan: string; corrections: number; confidence: number } | undefined;
  const consider = (candidate: string, extra: number, confidence: number): void => {
    const fixed = correctPan(candidate);
    if (fixed && (!best || fixed.corrections + extra < best.corrections)) best = { pan: fixed.pan, corrections: fixed.corrections + extra, confidence };
  };
  // A closing J or I often comes out as a bracket or a bar.
  const normalise = (t: string): string => t.toUpperCase().replace(/]/g, 'J').replace(/\|/g, 'I').replace(/[^A-Z0-9]/g, '');
  for (const l of lines) {
    for (const token of l.text.split(/\s+/)) {
      const word = normalise(token);
      if (word.length === 10) consider(word, (token.match(/[\]|]/g) ?? []).length, l.confidence);
    }
  }
  if (best) return best;
  for (const l of lines) {
    const key = normalise(l.text);
    if (key.length < 10 || key.length > 12) continue;
    for (let i = 0; i + 10 <= key.length; i++) consider(key.slice(i, i + 10), 1 + (l.text.match(/[\]|]/g) ?? []).length, l.confidence);
  }
  return best;
}

/** Extract a PAN card's number, name, father's name and date of birth. */
export function extractPanFields(lines: readonly LayoutLine[]): Record<string, RawField> {
  const out: Record<string, RawField> = {};
  const bestPan = findPan(lines);
  if (bestPan) out['pan'] = { value: bestPan.pan, confidence: penalised(bestPan.confidence, bestPan.corrections) };
  const fatherLabel = lines.find((l) => isLabelLine(l, "FATHER'S NAME") || isLabelLine(l, 'FATHER NAME'));
  const nameLabel = lines.find((l) => l !== fatherLabel && isLabelLine(l, 'NAME'));
  const dobLabel = lines.find((l) => isLabelLine(l, 'DATE OF BIRTH'));
  const fromLabel = (label: LayoutLine | undefined): { line: LayoutLine; name: string } | undefined => {
    const value = label ? next(lines, label) : undefined;
    const name = value ? nameOf(value) : undefined;
    return value && name ? { line: value, name } : undefined;
  };
  let name = fromLabel(nameLabel);
  let father = fromLabel(fatherLabel);
  if (!nameLabel && fatherLabel) {
    // The holder's name is printed just above the father's-name label even when its own label is lost.
    const above = next(lines, fatherLabel, -1);
    const holder = above ? nameOf(above) : undefined;
    if (above && holder) name = { line: above, name: holder };
  }
  if (!nameLabel && !fatherLabel) {
    // Older cards print no labels: the first two name-like lines are the holder and the father.
    const names = lines.flatMap((l) => {
      const n = nameOf(l);
      return n ? [{ line: l, name: n }] : [];
    });
    name ??= names.shift();
    father ??= names.shift();
  }
  if (name) out['name'] = { value: name.name.toUpperCase(), confidence: name.line.confidence };
  if (father) out['father_name'] = { value: father.name.toUpperCase(), confidence: father.line.confidence };
  const dobLine = (dobLabel ? next(lines, dobLabel) : undefined) ?? lines.find((l) => parseCardDate(l.text) !== undefined);
  const dob = dobLine ? parseCardDate(dobLine.text) : undefined;
  if (dobLine && dob) out['date_of_birth'] = { value: dob, confidence: dobLine.confidence };
  return out;
}

/** Fix letter/digit confusions in a line that should be digits. */
function digitsOf(text: string): { digits: string; corrections: number } {
  let digits = '';
  let corrections = 0;
  for (const ch of text.toUpperCase()) {
    if (ch >= '0' && ch <= '9') digits += ch;
    else if (ch === ' ') continue;
    else if (TO_DIGIT[ch] && ch !== 'A' && ch !== 'T') {
      digits += TO_DIGIT[ch];
      corrections++;
    } else digits += '?';
  }
  return { digits, corrections };
}

/** Mask an Aadhaar number but its last 4 digits: `XXXX XXXX 9012`. */
export function maskAadhaar(digits: string): string {
  return `XXXX XXXX ${digits.slice(-4)}`;
}

/** Extract an Aadhaar card's name, date of birth, gender and (full, unmasked) number. */
export function extractAadhaarFields(lines: readonly LayoutLine[]): Record<string, RawField> {
  const out: Record<string, RawField> = {};
  let bestNumber: { digits: string; corrections: number; confidence: number; valid: boolean } | undefined;
  for (const l of lines) {
    if (/VID/.test(l.key) || l.key.length < 12 || l.key.length > 14) continue;
    const { digits, corrections } = digitsOf(l.text);
    if (!/^\d{12}$/.test(digits) || corrections > 3) continue;
    const candidate = { digits, corrections, confidence: l.confidence, valid: verhoeffValidate(digits) };
    if (!bestNumber || (candidate.valid && !bestNumber.valid) || (candidate.valid === bestNumber.valid && corrections < bestNumber.corrections)) bestNumber = candidate;
  }
  if (bestNumber) out['aadhaar_number'] = { value: bestNumber.digits, confidence: penalised(bestNumber.confidence, bestNumber.corrections) };
  const dobLine = lines.find((l) => /(DOB|BIRTH)/.test(l.key) && !/ISSUE/.test(l.key) && parseCardDate(l.text) !== undefined);
  const yobLine = dobLine ? undefined : lines.find((l) => /YEAROFBIRTH/.test(l.key) && /\d{4}/.test(l.text));
  if (dobLine) out['date_of_birth'] = { value: parseCardDate(dobLine.text) ?? '', confidence: dobLine.confidence };
  else if (yobLine) out['date_of_birth'] = { value: /\d{4}/.exec(yobLine.text)?.[0] ?? '', confidence: yobLine.confidence * 0.5 };
  const genderLine = lines.find((l) => /(FEMALE|MALE|TRANSGENDER)/.test(l.key) && l.key.length <= 14);
  if (genderLine) {
    const gender = /FEMALE/.test(genderLine.key) ? 'FEMALE' : /TRANSGENDER/.test(genderLine.key) ? 'TRANSGENDER' : 'MALE';
    out['gender'] = { value: gender, confidence: genderLine.confidence };
  }
  // The name is printed just above the date of birth (or gender).
  const anchor = dobLine ?? yobLine ?? genderLine;
  const above = anchor ? next(lines, anchor, -1) : undefined;
  const name = above && !/(FEMALE|MALE|DOB|VID|MERA)/.test(above.key) ? nameOf(above) : undefined;
  if (above && name) out['name'] = { value: titleCaseFix(name), confidence: above.confidence };
  return out;
}
