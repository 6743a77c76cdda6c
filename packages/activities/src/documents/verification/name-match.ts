// Tolerant comparison of a typed name with a name read from a document.
//
// Both names are cleaned (case, accents, punctuation, spacing, leading honorifics such as Mr,
// Smt, Kumari or Dr: `Priya Kumari` keeps its Kumari), split into tokens, and each token gets a
// phonetic key that folds common Indian transliteration variants (aa/a, ee/i, oo/u, v/w, ph/f,
// sh/s, th/t, dh/d, kh/k, bh/b, ksh/x, doubled letters, and a few name families such as
// Mohammed/Md/Muhammad, Chaudhary/Chowdhury and Verma/Varma). Run-together initials (`RK`) are
// split and run-together names (`Ramkumar`) joined. Tokens (10 at most) are then paired one to
// one, in any order, to maximise the matched mass; a pair scores
//   1      same token                 0.95  same phonetic key (transliteration)
//   0.93   one key is the other with one 'a' dropped (Ramachandra/Ramchandra, Srinivasa/Srinivas)
//   0.9    an initial and a token starting with it (R / Rahul)
//   fuzzy  1 - 2 x edit distance / length (of the tokens or of their keys, the better), at most 0.9;
//          swapped neighbours cost one edit, OCR look-alikes (I/L, O/D, U/V, ...) a quarter;
//          pairs under 0.6 do not pair, so one wrong letter in a five-letter given name fails.
// The score is the sum over pairs of (weight of both tokens x pair score) divided by the weight of
// every token on both sides, a token weighing its length but at least 3 (so `R Sharma` vs
// `P Sharma` fails); an unpaired token costs its share of the name; token order that differs costs
// a further 2%.
//
// Consequences worth knowing:
// - a missing middle name (`Rahul Sharma` vs `Rahul Kumar Sharma`) scores about 0.81, below the
//   default threshold: the check fails for a person to look at rather than passing silently, since
//   the shorter name may belong to someone else (a father or son); a missing initial costs little
//   (`Rahul Sharma` vs `Rahul K Sharma` 0.88);
// - a different given name with the same surname scores about 0.55 (`Rahul Sharma` vs `Priya Sharma`);
// - initials cannot tell `R K Sharma` from `Ravi Kiran Sharma`: the date of birth and the document
//   number are what tell people apart.

/** Default score from which a typed and a read name are taken to be the same person's. */
export const DEFAULT_NAME_THRESHOLD = 0.85;

/**
 * Name the weakest kind of evidence a match used: `partial` when a token of one name has no
 * partner in the other, `token_set` when the tokens pair in another order, `none` when nothing
 * pairs or a name has no letters.
 */
export type NameMatchMethod = 'exact' | 'normalised' | 'token_set' | 'transliteration' | 'initials' | 'partial' | 'fuzzy' | 'none';

/** Score in [0, 1] (3 decimals) of two names being the same, with the weakest evidence used. */
export interface NameMatch {
  readonly score: number;
  readonly method: NameMatchMethod;
}

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'shri', 'shree', 'smt', 'shrimati', 'kumari', 'km', 'dr']);

/** Name families the generic rules do not fold, matched on cleaned tokens. */
const FAMILIES: readonly (readonly [RegExp, string])[] = [
  [/^(md|mhd|mohd|m[ou]hh?amm?[aeu]d)$/, 'muhamad'],
  [/^c(h)?[ao][uw]?dh?[au]?r(i|y|ee)$/, 'caudari'],
  [/^v[ae]rm[ao]$/, 'varma'],
];

const DIGRAPHS: readonly (readonly [RegExp, string])[] = [
  [/ksh/g, 'x'],
  [/ph/g, 'f'],
  [/sh/g, 's'],
  [/th/g, 't'],
  [/dh/g, 'd'],
  [/kh/g, 'k'],
  [/bh/g, 'b'],
  [/gh/g, 'g'],
  [/jh/g, 'j'],
  [/ch/g, 'c'],
  [/ck/g, 'k'],
  [/w/g, 'v'],
  [/q/g, 'k'],
  [/ee/g, 'i'],
  [/oo/g, 'u'],
  [/o[uw]/g, 'au'],
  [/ey$/g, 'e'],
  [/([^aeiou])y$/g, '$1i'],
  [/(.)\1+/g, '$1'],
];

const LATIN = /^[a-z]+$/;
const VOWELS = /[aeiou]/;

interface Token {
  readonly text: string;
  readonly key: string;
  readonly initial: boolean;
}

/** Lower-case a name, strip accents and punctuation, split it and drop leading honorifics. */
function tokenize(name: string): string[] {
  const plain = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase();
  const tokens = plain.split(/[^\p{L}\p{M}]+/u).filter((t) => t.length > 0);
  while (tokens.length > 1 && HONORIFICS.has(tokens[0] ?? '')) tokens.shift();
  // Run-together initials such as `RK` (two or three letters, no vowel) stand for one letter each.
  return tokens.flatMap((t) => (LATIN.test(t) && t.length <= 3 && !VOWELS.test(t) && !FAMILIES.some(([re]) => re.test(t)) ? [...t] : [t]));
}

/** Fold a cleaned token to its phonetic key. */
function phoneticKey(token: string): string {
  if (!LATIN.test(token)) return token;
  for (const [re, canonical] of FAMILIES) if (re.test(token)) return canonical;
  let key = token;
  for (const [re, replacement] of DIGRAPHS) key = key.replace(re, replacement);
  return key;
}

function toToken(text: string): Token {
  return { text, key: phoneticKey(text), initial: [...text].length === 1 };
}

/** Whether `longer` is `shorter` with one 'a' added after a consonant (medial schwa or final 'a'). */
function oneSchwaApart(a: string, b: string): boolean {
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  if (longer.length !== shorter.length + 1) return false;
  for (let i = 1; i < longer.length; i++) {
    if (longer[i] !== 'a' || VOWELS.test(longer[i - 1] ?? 'a')) continue;
    const next = longer[i + 1];
    if (next !== undefined && VOWELS.test(next)) continue;
    if (longer.slice(0, i) + longer.slice(i + 1) === shorter) return true;
  }
  return false;
}

/** Letter pairs OCR often confuses on printed cards; substituting one for the other costs a quarter. */
const LOOKALIKES = new Set(['il', 'ij', 'od', 'oq', 'uv', 'ef', 'ce', 'cg', 'pr', 'hn']);

function substitutionCost(x: string, y: string): number {
  if (x === y) return 0;
  return LOOKALIKES.has(x < y ? x + y : y + x) ? 0.25 : 1;
}

/** Compute the edit distance of two strings (insert, delete, substitute, swap neighbours; look-alike letters cost less). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const up = rows[i - 1] ?? [];
      let best = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + substitutionCost(a.charAt(i - 1), b.charAt(j - 1)));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Math.max(a.length, b.length);
}

/** Score two spellings by edit distance: each full edit costs twice its share of the longer one. */
function editSimilarity(a: string, b: string): number {
  return 1 - (2 * editDistance(a, b)) / Math.max(a.length, b.length, 1);
}

type PairKind = 'same' | 'transliteration' | 'initials' | 'fuzzy';

interface PairScore {
  readonly score: number;
  readonly kind: PairKind;
}

const FUZZY_FLOOR = 0.6;

/** Score two tokens, or undefined when they do not pair. */
function pairScore(a: Token, b: Token): PairScore | undefined {
  if (a.text === b.text) return { score: 1, kind: 'same' };
  if (a.initial || b.initial) {
    if (a.initial && b.initial) return undefined;
    const [initial, full] = a.initial ? [a, b] : [b, a];
    return full.text.startsWith(initial.text) || full.key.startsWith(initial.key) ? { score: 0.9, kind: 'initials' } : undefined;
  }
  if (a.key === b.key) return { score: 0.95, kind: 'transliteration' };
  if (oneSchwaApart(a.key, b.key)) return { score: 0.93, kind: 'transliteration' };
  const fuzzy = Math.max(editSimilarity(a.text, b.text), editSimilarity(a.key, b.key));
  return fuzzy >= FUZZY_FLOOR ? { score: Math.min(fuzzy, 0.9), kind: 'fuzzy' } : undefined;
}

/** Merge adjacent tokens of `tokens` whose concatenation has the key of a token in `other` (`Ram Kumar` vs `Ramkumar`). */
function mergeRunTogether(tokens: readonly Token[], other: readonly Token[]): Token[] {
  const keys = new Set(other.map((t) => t.key));
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const here = tokens[i];
    const next = tokens[i + 1];
    if (!here) continue;
    if (next && !here.initial && !next.initial && !keys.has(here.key) && !keys.has(next.key)) {
      const joined = toToken(here.text + next.text);
      if (keys.has(joined.key)) {
        out.push(joined);
        i++;
        continue;
      }
    }
    out.push(here);
  }
  return out;
}

/** Weight of a token in the score: its length, at least 3 so that an initial still counts. */
function weight(token: Token): number {
  return Math.max(token.text.length, 3);
}

interface Pairing {
  readonly mass: number;
  readonly pairs: readonly (readonly [number, number, PairKind])[];
}

const MAX_TOKENS = 10;

/** Pair the tokens one to one so that the matched mass is greatest, in any order or keeping the order. */
function bestPairing(left: readonly Token[], right: readonly Token[], ordered: boolean): Pairing {
  const scores = left.map((l) => right.map((r) => pairScore(l, r)));
  const memo = new Map<number, Pairing>();
  const solve = (i: number, used: number): Pairing => {
    if (i === left.length) return { mass: 0, pairs: [] };
    const memoKey = used * (MAX_TOKENS + 1) + i;
    const known = memo.get(memoKey);
    if (known) return known;
    let best = solve(i + 1, used);
    const l = left[i];
    const from = ordered ? 32 - Math.clz32(used) : 0;
    for (let j = from; j < right.length && l; j++) {
      const s = scores[i]?.[j];
      const r = right[j];
      if (!s || !r || used & (1 << j)) continue;
      const rest = solve(i + 1, used | (1 << j));
      const mass = rest.mass + (weight(l) + weight(r)) * s.score;
      if (mass > best.mass) best = { mass, pairs: [[i, j, s.kind], ...rest.pairs] };
    }
    memo.set(memoKey, best);
    return best;
  };
  return solve(0, 0);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Score how likely a typed name and a name read from a document are the same person's. */
export function matchNames(typed: string, read: string): NameMatch {
  const rawLeft = tokenize(typed).slice(0, MAX_TOKENS).map(toToken);
  const rawRight = tokenize(read).slice(0, MAX_TOKENS).map(toToken);
  if (rawLeft.length === 0 || rawRight.length === 0) return { score: 0, method: 'none' };
  if (typed.trim() === read.trim()) return { score: 1, method: 'exact' };
  if (rawLeft.map((t) => t.text).join(' ') === rawRight.map((t) => t.text).join(' ')) return { score: 1, method: 'normalised' };
  const left = mergeRunTogether(rawLeft, rawRight);
  const right = mergeRunTogether(rawRight, rawLeft);
  const anyOrder = bestPairing(left, right, false);
  const inOrder = bestPairing(left, right, true);
  const reordered = inOrder.mass < anyOrder.mass - 1e-9;
  const pairing = reordered ? anyOrder : inOrder;
  const total = [...left, ...right].reduce((sum, t) => sum + weight(t), 0);
  const kinds = new Set(pairing.pairs.map(([, , kind]) => kind));
  const unpaired = pairing.pairs.length < Math.max(left.length, right.length);
  let score = pairing.mass / total;
  if (reordered) score *= 0.98;
  score = round3(Math.min(1, Math.max(0, score)));
  let method: NameMatchMethod;
  if (pairing.pairs.length === 0) method = 'none';
  else if (kinds.has('fuzzy')) method = 'fuzzy';
  else if (unpaired) method = 'partial';
  else if (kinds.has('initials')) method = 'initials';
  else if (kinds.has('transliteration')) method = 'transliteration';
  else if (reordered) method = 'token_set';
  else method = 'normalised';
  return { score, method };
}
