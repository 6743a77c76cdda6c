import type { OcrLine, PendingLine } from '../../ocr/ocr-engine.ts';
import type { Quad, RotatedRect } from '../../ocr/geometry.ts';
import { isCalendarDate } from '../../util/calendar-date.ts';

/** A line in document coordinates: recognised, or detected and not read yet (`pending`, no text). */
export interface LayoutLine {
  /** True for a detected line not read yet: it has a place but no text. */
  readonly pending: boolean;
  readonly text: string;
  /** Mean character probability (0 while pending). */
  readonly confidence: number;
  /** Upper case, letters and digits only, no spaces: for keyword matching. */
  readonly key: string;
  readonly cx: number;
  readonly cy: number;
  readonly left: number;
  readonly right: number;
  readonly height: number;
}

/** Lines whose vertical centres align, left to right: a label and its value often come apart. */
export interface LayoutRow {
  readonly lines: readonly LayoutLine[];
  readonly text: string;
  readonly confidence: number;
}

/** Upper-case a text and keep only letters and digits. */
export function keyOf(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The dominant reading direction of the lines (radians), so a turned photo reads in document order. */
function dominantAngle(rects: readonly { rect: RotatedRect; weight: number }[]): number {
  let sx = 0;
  let sy = 0;
  for (const { rect, weight } of rects) {
    sx += Math.cos(rect.angle) * rect.w * weight;
    sy += Math.sin(rect.angle) * rect.w * weight;
  }
  return sx === 0 && sy === 0 ? 0 : Math.atan2(sy, sx);
}

/**
 * Place recognised lines (dropping noise: very low confidence or a single stray character) and
 * lines not read yet in the document's own frame: the image turned so that text runs left to right.
 */
export function layoutLines(lines: readonly OcrLine[], pending: readonly PendingLine[] = []): LayoutLine[] {
  const kept = lines.filter((l) => l.confidence >= 0.5 && keyOf(l.text).length >= (l.confidence > 0.9 ? 1 : 2));
  const theta = dominantAngle([...kept.map((l) => ({ rect: l.rect, weight: l.confidence })), ...pending.map((p) => ({ rect: p.rect, weight: 0.5 }))]);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const place = (rect: RotatedRect, box: Quad): Pick<LayoutLine, 'cx' | 'cy' | 'left' | 'right' | 'height'> => {
    const xs = box.map((p) => p.x * cos + p.y * sin);
    return { cx: rect.cx * cos + rect.cy * sin, cy: -rect.cx * sin + rect.cy * cos, left: Math.min(...xs), right: Math.max(...xs), height: rect.h };
  };
  return [
    ...kept.map((line) => ({ pending: false, text: line.text.trim(), confidence: line.confidence, key: keyOf(line.text), ...place(line.rect, line.box) })),
    ...pending.map((p) => {
      const hw = p.rect.w / 2;
      const hh = p.rect.h / 2;
      const ex = Math.cos(p.rect.angle);
      const ey = Math.sin(p.rect.angle);
      const at = (u: number, v: number): { x: number; y: number } => ({ x: p.rect.cx + u * ex - v * ey, y: p.rect.cy + u * ey + v * ex });
      const box: Quad = [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)];
      return { pending: true, text: '', confidence: 0, key: '', ...place(p.rect, box) };
    }),
  ];
}

/** Group lines into rows by vertical overlap, each row left to right, rows top to bottom. */
export function layoutRows(lines: readonly LayoutLine[]): LayoutRow[] {
  const sorted = lines.filter((l) => !l.pending).sort((a, b) => a.cy - b.cy);
  const rows: LayoutLine[][] = [];
  for (const l of sorted) {
    const row = rows.find((r) => r.some((o) => Math.abs(o.cy - l.cy) < Math.min(o.height, l.height) * 0.45));
    if (row) row.push(l);
    else rows.push([l]);
  }
  return rows
    .map((r) => r.sort((a, b) => a.left - b.left))
    .sort((a, b) => (a[0]?.cy ?? 0) - (b[0]?.cy ?? 0))
    .map((r) => ({ lines: r, text: r.map((l) => l.text).join(' '), confidence: r.reduce((s, l) => s + l.confidence, 0) / r.length }));
}

/**
 * Smallest edit distance between `pattern` and any substring of `text` (Sellers' algorithm):
 * how many typos it takes to find the pattern somewhere in the text.
 */
export function fuzzyFind(text: string, pattern: string): number {
  const m = pattern.length;
  if (m === 0) return 0;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) prev[i] = i;
  let best = prev[m] as number;
  for (let j = 1; j <= text.length; j++) {
    cur[0] = 0;
    const tc = text.charCodeAt(j - 1);
    for (let i = 1; i <= m; i++) {
      const cost = pattern.charCodeAt(i - 1) === tc ? 0 : 1;
      cur[i] = Math.min((prev[i - 1] as number) + cost, (prev[i] as number) + 1, (cur[i - 1] as number) + 1);
    }
    if ((cur[m] as number) < best) best = cur[m] as number;
    [prev, cur] = [cur, prev];
  }
  return best;
}

/** Report whether a normalised key contains a keyword, allowing one typo per 6 characters. */
export function hasKeyword(key: string, keyword: string): boolean {
  const k = keyOf(keyword);
  return fuzzyFind(key, k) <= Math.floor(k.length / 6);
}

/** Report whether a line is exactly a label (its key is the keyword, allowing small typos). */
export function isLabel(key: string, keyword: string): boolean {
  const k = keyOf(keyword);
  return Math.abs(key.length - k.length) <= Math.max(1, Math.floor(k.length / 6)) && hasKeyword(key, keyword);
}

/** Parse a `DD/MM/YYYY` (or `-` / `.` separated) date into `YYYY-MM-DD`, or undefined when it is not a real date. */
export function parseCardDate(text: string): string | undefined {
  const m = /(\d{2})\s?[/\-.]\s?(\d{2})\s?[/\-.]\s?(\d{4})/.exec(text);
  if (!m) return undefined;
  const [, d, mo, y] = m;
  const iso = `${y}-${mo}-${d}`;
  return isCalendarDate(iso) ? iso : undefined;
}

/** Find every date in a text, in order. */
export function allCardDates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\d{2}\s?[/\-.]\s?\d{2}\s?[/\-.]\s?\d{4}/g)) {
    const iso = parseCardDate(m[0]);
    if (iso) out.push(iso);
  }
  return out;
}
