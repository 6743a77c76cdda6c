// Verhoeff check digit over the dihedral group D5: detects every single-digit error and
// every transposition of adjacent digits.

/** Multiplication table of the dihedral group D5. */
const D: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

/** Permutation applied to a digit according to its position. */
const P: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Inverse of each element of D5. */
const INV: readonly number[] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

const DIGITS = /^\d+$/;

function at(table: readonly (readonly number[])[], row: number, column: number): number {
  return table[row]?.[column] ?? 0;
}

/** Fold the digits (rightmost first) through the Verhoeff tables, starting at position `offset`. */
function fold(digits: string, offset: number): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = at(D, c, at(P, (i + offset) % 8, digit));
  }
  return c;
}

/** Report whether a digit string (check digit last) passes the Verhoeff checksum. */
export function verhoeffValidate(digits: string): boolean {
  return DIGITS.test(digits) && fold(digits, 0) === 0;
}

/** Compute the Verhoeff check digit to append to a digit string. */
export function verhoeffCheckDigit(digits: string): string {
  if (!DIGITS.test(digits)) throw new RangeError('Verhoeff check digits apply to non-empty strings of decimal digits.');
  return String(INV[fold(digits, 1)]);
}
