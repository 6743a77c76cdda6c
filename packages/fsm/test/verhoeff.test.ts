import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkAadhaar, verhoeffCheckDigit, verhoeffValidate } from '@metis/fsm';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: min, maxLength: max });

describe('Verhoeff checksum', () => {
  it('matches published check digits', () => {
    // 236 → 3 and 12345 → 1 are the classic worked examples of the algorithm.
    assert.equal(verhoeffCheckDigit('236'), '3');
    assert.equal(verhoeffCheckDigit('12345'), '1');
    assert.equal(verhoeffValidate('2363'), true);
    assert.equal(verhoeffValidate('123451'), true);
  });

  it('accepts every number it generates', () => {
    fc.assert(
      fc.property(digits(1, 30), (body) => verhoeffValidate(body + verhoeffCheckDigit(body))),
      { numRuns: 2000 },
    );
  });

  it('rejects every single-digit change', () => {
    fc.assert(
      fc.property(digits(1, 20), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const valid = body + verhoeffCheckDigit(body);
        const i = pos % valid.length;
        const changed = String((Number(valid[i]) + delta) % 10);
        const corrupted = valid.slice(0, i) + changed + valid.slice(i + 1);
        return !verhoeffValidate(corrupted);
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects every swap of two different adjacent digits', () => {
    fc.assert(
      fc.property(digits(2, 20), fc.nat(), (body, pos) => {
        const valid = body + verhoeffCheckDigit(body);
        const i = pos % (valid.length - 1);
        fc.pre(valid[i] !== valid[i + 1]);
        const swapped = valid.slice(0, i) + valid.charAt(i + 1) + valid.charAt(i) + valid.slice(i + 2);
        return !verhoeffValidate(swapped);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses non-digit input', () => {
    assert.equal(verhoeffValidate(''), false);
    assert.equal(verhoeffValidate('12a4'), false);
    assert.throws(() => verhoeffCheckDigit('12 3'), RangeError);
  });

  it('backs the Aadhaar rule: every generated Aadhaar number passes and every single-digit typo fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), digits(10, 10), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 9 }), (lead, rest, pos, delta) => {
        const body = `${lead}${rest}`;
        const number = body + verhoeffCheckDigit(body);
        assert.equal(checkAadhaar(number), null);
        const typo = number.slice(0, pos) + String((Number(number[pos]) + delta) % 10) + number.slice(pos + 1);
        const verdict = checkAadhaar(typo);
        assert.ok(verdict !== null, typo);
        assert.ok(verdict.code === 'aadhar_checksum' || verdict.code === 'aadhar_format');
      }),
      { numRuns: 1000 },
    );
  });
});
