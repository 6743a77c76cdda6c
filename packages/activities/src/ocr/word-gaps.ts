import type { DecodedChar } from './ctc.ts';

/** Where a line strip has ink, column by column. */
export interface InkProfile {
  /** Ink pixels per column (middle 80% of rows). */
  readonly columns: Uint16Array;
  /** Height of the band of rows holding ink: the text's cap or x-height scale. */
  readonly inkHeight: number;
}

/** Measure the ink in a line strip (luminance, row-major); undefined when it has too little contrast. */
export function inkProfile(grey: Float32Array, width: number, height: number): InkProfile | undefined {
  const hist = new Uint32Array(256);
  for (let i = 0; i < grey.length; i++) hist[Math.max(0, Math.min(255, Math.round(grey[i] ?? 0)))]! += 1;
  const quantile = (q: number): number => {
    const target = q * grey.length;
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v] ?? 0;
      if (acc >= target) return v;
    }
    return 255;
  };
  const lo = quantile(0.05);
  const hi = quantile(0.9);
  if (hi - lo < 24) return undefined;
  const mid = (lo + hi) / 2;
  let below = 0;
  for (let v = 0; v < mid; v++) below += hist[v] ?? 0;
  const darkText = below < grey.length / 2;
  const isInk = (v: number): boolean => (darkText ? v < mid : v > mid);
  const columns = new Uint16Array(width);
  const rowInk = new Uint32Array(height);
  const r0 = Math.floor(height * 0.1);
  const r1 = Math.ceil(height * 0.9);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!isInk(grey[y * width + x] ?? 0)) continue;
      rowInk[y]! += 1;
      if (y >= r0 && y < r1) columns[x]! += 1;
    }
  }
  let top = -1;
  let bottom = -1;
  const minRow = Math.max(2, width * 0.03);
  for (let y = 0; y < height; y++) {
    if ((rowInk[y] ?? 0) >= minRow) {
      if (top === -1) top = y;
      bottom = y;
    }
  }
  return { columns, inkHeight: top === -1 ? height * 0.5 : bottom - top + 1 };
}

/** Return the longest run of ink-free columns within [from, to). */
export function widestGap(profile: InkProfile, from: number, to: number): number {
  let best = 0;
  let run = 0;
  const end = Math.min(to, profile.columns.length);
  for (let x = Math.max(0, from); x < end; x++) {
    if ((profile.columns[x] ?? 0) <= 1) {
      run++;
      if (run > best) best = run;
    } else {
      run = 0;
    }
  }
  return best;
}

/** A word recovered from a line. */
export interface LineWord {
  readonly text: string;
  /** Mean character probability. */
  readonly confidence: number;
  /** Left and right edge in strip pixels. */
  readonly start: number;
  readonly end: number;
}

/** Options for recovering word boundaries. */
export interface WordGapOptions {
  /** An ink-free gap at least this many times the ink height is a space (default 0.36). */
  readonly spaceRatio?: number;
  /** Without ink information: blank time steps between characters that make a space (default 3). */
  readonly blankSteps?: number;
}

/**
 * Split decoded characters into words. The recogniser often drops spaces between words, so a
 * boundary is a space when the model emitted one, or when the strip has an ink-free gap between the
 * two characters' emission positions wider than `spaceRatio` × ink height (falling back to the number
 * of blank time steps between them when the strip has too little contrast to measure ink).
 */
export function splitWords(chars: readonly DecodedChar[], profile: InkProfile | undefined, pxPerStep: number, options: WordGapOptions = {}): LineWord[] {
  const spaceRatio = options.spaceRatio ?? 0.36;
  const blankSteps = options.blankSteps ?? 3;
  const words: LineWord[] = [];
  let text = '';
  let probSum = 0;
  let start = 0;
  let end = 0;
  const flush = (): void => {
    if (text.length > 0) words.push({ text, confidence: probSum / text.length, start, end });
    text = '';
    probSum = 0;
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as DecodedChar;
    if (c.char === ' ') {
      flush();
      continue;
    }
    const prev = chars[i - 1];
    if (text.length > 0 && prev && prev.char !== ' ') {
      const a = ((prev.start + prev.end) / 2 + 0.5) * pxPerStep;
      const b = ((c.start + c.end) / 2 + 0.5) * pxPerStep;
      const isSpace = profile ? widestGap(profile, Math.floor(a), Math.ceil(b)) >= spaceRatio * profile.inkHeight : c.start - prev.end - 1 >= blankSteps;
      if (isSpace) flush();
    }
    if (text.length === 0) start = c.start * pxPerStep;
    end = (c.end + 1) * pxPerStep;
    text += c.char;
    probSum += c.prob;
  }
  flush();
  return words;
}
