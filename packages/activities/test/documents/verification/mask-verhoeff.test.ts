import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verhoeffValidate } from '@metis/fsm';
import { lastFour, maskAccount, maskDate, maskName, maskPan, verhoeffValid } from '../../../src/documents/verification/index.ts';

describe('masks', () => {
  it('masks a PAN to its digits', () => {
    assert.equal(maskPan('ABCDE1234F'), 'XXXXX1234X');
    assert.equal(maskPan(' abcpe9876k '), 'XXXXX9876X');
    assert.equal(maskPan('ABC1234'), 'XXXXXXX');
    assert.equal(maskPan(''), '');
  });

  it('masks a name to initials', () => {
    assert.equal(maskName('Rahul Kumar Sharma'), 'R**** K**** S*****');
    assert.equal(maskName('  R.K.   Sharma '), 'R*** S*****');
    assert.equal(maskName('Ü'), 'Ü');
    assert.equal(maskName(''), '');
  });

  it('masks a date to its year', () => {
    assert.equal(maskDate('1990-05-17'), '1990-**-**');
    assert.equal(maskDate('17/05/1990'), '**/**/****');
  });

  it('masks an account number but its last four', () => {
    assert.equal(maskAccount('123456789012'), 'XXXXXXXX9012');
    assert.equal(maskAccount('1234 5678 9012'), 'XXXXXXXX9012');
    assert.equal(maskAccount('1234'), 'XXXX');
  });

  it('takes the last four digits', () => {
    assert.equal(lastFour('234123412346'), '2346');
    assert.equal(lastFour('XXXX XXXX 1234'), '1234');
    assert.equal(lastFour('2341-2341-2346'), '2346');
    assert.equal(lastFour('X12'), '12');
  });
});

describe('verhoeffValid', () => {
  it('is the @metis/fsm checksum, not a copy', () => {
    assert.equal(verhoeffValid, verhoeffValidate);
  });

  it('agrees with hand-checked numbers', () => {
    // 2363 and 123451: the worked examples of the algorithm (236 → 3, 12345 → 1). The 12-digit
    // values were checked against an independent implementation from the published D5 table
    // and the position permutation (1 5 8 9 4 2 7 0)(3 6).
    const valid = ['2363', '123451', '234123412346', '999941057058', '499118665246'];
    const invalid = ['2364', '123452', '234123412347', '234123412364', '', '23412341234a'];
    for (const n of valid) assert.equal(verhoeffValid(n), true, n);
    for (const n of invalid) assert.equal(verhoeffValid(n), false, n);
  });
});
