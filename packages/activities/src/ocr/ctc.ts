import { readFile } from 'node:fs/promises';

/** Characters the recogniser may emit: `latin` keeps printable ASCII (and full-width forms of it), `all` the whole dictionary. */
export type Charset = 'latin' | 'all';

/** The recogniser's output classes. */
export interface CtcDictionary {
  /** Text of each class; class 0 is the CTC blank (''). */
  readonly labels: readonly string[];
  /** Classes considered when decoding (always includes 0). */
  readonly allowed: Int32Array;
  /** Number of classes the model outputs. */
  readonly classes: number;
}

/** One decoded character and where the recogniser emitted it. */
export interface DecodedChar {
  readonly char: string;
  /** First and last time step of its emission run. */
  readonly start: number;
  readonly end: number;
  /** Highest probability over its run. */
  readonly prob: number;
}

/** Load a PaddleOCR dictionary file: class i+1 is line i, the last class a space. */
export async function loadDictionary(path: string, charset: Charset): Promise<CtcDictionary> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const labels = ['', ...lines, ' '].map((l) => (charset === 'latin' ? l.normalize('NFKC') : l));
  const allowed: number[] = [];
  labels.forEach((label, i) => {
    if (i === 0 || charset === 'all' || (label.length === 1 && label >= ' ' && label <= '~')) allowed.push(i);
  });
  return { labels, allowed: Int32Array.from(allowed), classes: labels.length };
}

/**
 * Greedy CTC decoding of one sequence: best allowed class per step, repeats collapsed, blanks
 * dropped; each character keeps the time steps it was emitted at (its x position in the strip).
 */
export function ctcDecode(probs: Float32Array, offset: number, steps: number, dict: CtcDictionary): DecodedChar[] {
  const out: { char: string; start: number; end: number; prob: number }[] = [];
  const C = dict.classes;
  const allowed = dict.allowed;
  let prev = 0;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * C;
    let best = 0;
    let bestP = probs[row] ?? 0;
    for (let k = 1; k < allowed.length; k++) {
      const c = allowed[k] as number;
      const p = probs[row + c] ?? 0;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0) {
      const last = out[out.length - 1];
      if (best === prev && last) {
        last.end = t;
        if (bestP > last.prob) last.prob = bestP;
      } else {
        out.push({ char: dict.labels[best] ?? '', start: t, end: t, prob: bestP });
      }
    }
    prev = best;
  }
  return out;
}
