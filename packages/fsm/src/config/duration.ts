/** The accepted timeout syntax: one or more `<digits><unit>` parts, units ms, s, m, h, d (e.g. `5m`, `1h30m`). */
export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h|d))+$/;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+)(ms|s|m|h|d)/g;
const ORDER = ['d', 'h', 'm', 's', 'ms'];

/** Parse a timeout string such as `5m` or `1h30m` into milliseconds; `null` when it is malformed or zero. */
export function parseDuration(text: string): number | null {
  if (!DURATION_PATTERN.test(text)) return null;
  let total = 0;
  let lastUnit = -1;
  for (const match of text.matchAll(PART)) {
    const unit = match[2] ?? '';
    const rank = ORDER.indexOf(unit);
    if (rank <= lastUnit) return null;
    lastUnit = rank;
    total += Number(match[1]) * (UNIT_MS[unit] ?? 0);
  }
  return total > 0 && Number.isSafeInteger(total) ? total : null;
}

/** Render milliseconds in the timeout syntax, largest units first (e.g. `90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`Not a positive whole number of milliseconds: ${ms}`);
  let rest = ms;
  let out = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit] ?? 1;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
