// Masks for identity values shown in verification reports: enough for a person to compare two
// values by eye, not enough to recover them.

const PAN_SHAPE = /^[A-Z]{5}(\d{4})[A-Z]$/;
const ISO_DATE = /^(\d{4})-\d{2}-\d{2}$/;

/** Mask a PAN to its 4 digits, `ABCDE1234F` → `XXXXX1234X`; anything not PAN-shaped becomes all `X`. */
export function maskPan(pan: string): string {
  const value = pan.trim().toUpperCase();
  const digits = PAN_SHAPE.exec(value)?.[1];
  return digits ? `XXXXX${digits}X` : 'X'.repeat([...value].length);
}

/** Mask each word of a name to its first letter, `Rahul Kumar Sharma` → `R**** K**** S*****`. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map((word) => {
      const chars = [...word];
      return `${chars[0] ?? ''}${'*'.repeat(chars.length - 1)}`;
    })
    .join(' ');
}

/** Mask a `YYYY-MM-DD` date to its year, `1990-05-17` → `1990-**-**`; other text has every letter and digit starred. */
export function maskDate(date: string): string {
  const value = date.trim();
  const year = ISO_DATE.exec(value)?.[1];
  return year ? `${year}-**-**` : value.replace(/[\p{L}\p{N}]/gu, '*');
}

/** Mask an account number but its last 4 characters, `123456789012` → `XXXXXXXX9012` (fully when 4 or fewer). */
export function maskAccount(account: string): string {
  const chars = [...account.replace(/\s+/g, '')];
  if (chars.length <= 4) return 'X'.repeat(chars.length);
  return 'X'.repeat(chars.length - 4) + chars.slice(-4).join('');
}

/** Return the last 4 digits of a value, ignoring everything but digits (fewer when it has fewer). */
export function lastFour(digits: string): string {
  return digits.replace(/\D/g, '').slice(-4);
}
