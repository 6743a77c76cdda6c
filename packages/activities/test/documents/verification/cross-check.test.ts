import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExtractedField } from '../../../src/documents/index.ts';
import {
  crossCheckAadhaar,
  crossCheckBankStatement,
  crossCheckPan,
  documentTypeCheck,
  summariseChecks,
} from '../../../src/documents/verification/index.ts';
import type { TypedApplicant, VerificationCheck } from '../../../src/documents/verification/index.ts';

function field(value: string, confidence = 0.9, valid = true): ExtractedField {
  return { value, confidence, valid, violations: [] };
}

/** Check name → reason, the shape most assertions compare. */
function reasons(checks: readonly VerificationCheck[]): Record<string, string> {
  return Object.fromEntries(checks.map((c) => [c.check, `${c.passed ? 'pass' : 'fail'}:${c.reason}`]));
}

const applicant: TypedApplicant = { name: 'Rahul Kumar Sharma', dateOfBirth: '1990-05-17', pan: ' abcpe1234f ', aadhaarNumber: '2341 2341 2346' };
const panCard = { pan: field('ABCPE1234F', 0.97), name: field('RAHUL KUMAR SHARMA', 0.92), father_name: field('SURESH SHARMA'), date_of_birth: field('1990-05-17', 0.88) };

describe('crossCheckPan', () => {
  it('passes a matching card and masks every value', () => {
    const checks = crossCheckPan('pan_image', applicant, panCard);
    assert.deepEqual(reasons(checks), { pan_number: 'pass:match', name: 'pass:match', date_of_birth: 'pass:match' });
    const [pan, name, dob] = checks;
    assert.deepEqual(pan, {
      document: 'pan_image',
      check: 'pan_number',
      passed: true,
      reason: 'match',
      message: 'The PAN on the document matches the PAN entered.',
      typed: 'XXXXX1234X',
      read: 'XXXXX1234X',
      confidence: 0.97,
    });
    assert.equal(name?.typed, 'R**** K**** S*****');
    assert.equal(name?.read, 'R**** K**** S*****');
    assert.equal(name?.score, 1);
    assert.equal(name?.confidence, 0.92);
    assert.equal(dob?.typed, '1990-**-**');
    assert.equal(dob?.confidence, 0.88);
  });

  it('fails a PAN with one misread character, a different name and a different date', () => {
    const read = { ...panCard, pan: field('ABCPF1234F'), name: field('PRIYA SHARMA'), date_of_birth: field('1990-05-18') };
    const checks = crossCheckPan('pan_image', applicant, read);
    assert.deepEqual(reasons(checks), { pan_number: 'fail:pan_mismatch', name: 'fail:name_below_threshold', date_of_birth: 'fail:dob_mismatch' });
    assert.equal(checks[0]?.message, 'The PAN on the document differs from the PAN entered in 1 character.');
    assert.ok((checks[1]?.score ?? 1) < 0.85);
  });

  it('fails fields OCR did not read with not_read and confidence 0', () => {
    const checks = crossCheckPan('pan_image', applicant, { name: field('  ') });
    assert.deepEqual(reasons(checks), { pan_number: 'fail:not_read', name: 'fail:not_read', date_of_birth: 'fail:not_read' });
    for (const c of checks) assert.equal(c.confidence, 0);
    assert.equal(checks[0]?.typed, 'XXXXX1234X');
  });

  it('skips what the applicant did not type', () => {
    assert.deepEqual(crossCheckPan('pan_image', {}, panCard), []);
    assert.deepEqual(reasons(crossCheckPan('pan_image', { pan: 'ABCPE1234F', dateOfBirth: ' ' }, panCard)), { pan_number: 'pass:match' });
  });

  it('applies the name threshold option', () => {
    const read = { ...panCard, name: field('RAHUL KUMAR SHARMA') };
    const typed = { name: 'Rahul Sharma' };
    assert.deepEqual(reasons(crossCheckPan('pan_image', typed, read)), { name: 'fail:name_below_threshold' });
    assert.deepEqual(reasons(crossCheckPan('pan_image', typed, read, { nameThreshold: 0.8 })), { name: 'pass:match' });
    assert.throws(() => crossCheckPan('pan_image', typed, read, { nameThreshold: 1.5 }), RangeError);
  });
});

describe('crossCheckAadhaar', () => {
  const card = { name: field('Rahul Kumar Sharma', 0.9), date_of_birth: field('1990-05-17'), gender: field('MALE'), aadhaar_number: field('XXXX XXXX 2346', 0.95) };

  it('passes a matching card', () => {
    const checks = crossCheckAadhaar('aadhaar_image', applicant, card);
    assert.deepEqual(reasons(checks), { aadhaar_last_four: 'pass:match', aadhaar_checksum: 'pass:checksum_valid', name: 'pass:match', date_of_birth: 'pass:match' });
    assert.equal(checks[0]?.typed, 'XXXX XXXX 2346');
    assert.equal(checks[0]?.read, 'XXXX XXXX 2346');
    assert.equal(checks[0]?.confidence, 0.95);
  });

  it('fails different last four digits', () => {
    const checks = crossCheckAadhaar('aadhaar_image', applicant, { ...card, aadhaar_number: field('XXXX XXXX 2364') });
    assert.equal(reasons(checks)['aadhaar_last_four'], 'fail:aadhaar_last_four_mismatch');
  });

  it('fails a typed number whose Verhoeff checksum fails', () => {
    const checks = crossCheckAadhaar('aadhaar_image', { aadhaarNumber: '2341-2341-2347' }, { ...card, aadhaar_number: field('XXXX XXXX 2347') });
    assert.deepEqual(reasons(checks), { aadhaar_last_four: 'pass:match', aadhaar_checksum: 'fail:typed_checksum_invalid' });
    assert.deepEqual(reasons(crossCheckAadhaar('aadhaar_image', { aadhaarNumber: '23412341234' }, card)).aadhaar_checksum, 'fail:typed_checksum_invalid');
  });

  it('fails a read number the OCR pipeline found invalid, even without a typed number', () => {
    const read = { aadhaar_number: field('XXXX XXXX 2346', 0.6, false) };
    assert.deepEqual(reasons(crossCheckAadhaar('aadhaar_image', applicant, read)), {
      aadhaar_last_four: 'pass:match',
      aadhaar_checksum: 'fail:read_checksum_invalid',
      name: 'fail:not_read',
    });
    assert.deepEqual(reasons(crossCheckAadhaar('aadhaar_image', {}, read)), { aadhaar_checksum: 'fail:read_checksum_invalid' });
  });

  it('fails an unread number', () => {
    const checks = crossCheckAadhaar('aadhaar_image', { aadhaarNumber: '234123412346' }, {});
    assert.deepEqual(reasons(checks), { aadhaar_last_four: 'fail:not_read', aadhaar_checksum: 'fail:not_read' });
    assert.deepEqual(reasons(crossCheckAadhaar('aadhaar_image', {}, {})), { aadhaar_checksum: 'fail:not_read' });
  });

  it('checks the date of birth only when both sides have one, by year when the card shows only a year', () => {
    const typed = { dateOfBirth: '1990-05-17' };
    const noNumber = { aadhaar_number: field('XXXX XXXX 2346') };
    assert.equal(reasons(crossCheckAadhaar('a', typed, { ...noNumber, date_of_birth: field('1990', 0.4) }))['date_of_birth'], 'pass:year_of_birth_match');
    assert.equal(reasons(crossCheckAadhaar('a', typed, { ...noNumber, date_of_birth: field('1991') }))['date_of_birth'], 'fail:dob_mismatch');
    assert.equal(reasons(crossCheckAadhaar('a', typed, noNumber))['date_of_birth'], undefined);
    assert.equal(reasons(crossCheckAadhaar('a', {}, { ...noNumber, date_of_birth: field('1990-05-17') }))['date_of_birth'], undefined);
  });
});

describe('crossCheckBankStatement', () => {
  const statement = { account_holder: field('MR RAHUL KUMAR SHARMA', 0.8), account_number: field('123456789012'), ifsc: field('SBIN0001234', 0.85) };

  it('passes a matching holder and a well-formed IFSC', () => {
    const checks = crossCheckBankStatement('bank_statement', applicant, statement);
    assert.deepEqual(reasons(checks), { account_holder: 'pass:match', ifsc_format: 'pass:match' });
    assert.equal(checks[1]?.read, 'SBIN0001234');
    assert.equal(checks[1]?.confidence, 0.85);
  });

  it('fails a malformed IFSC, another holder and unread fields', () => {
    const bad = { ...statement, account_holder: field('PRIYA SHARMA'), ifsc: field('SBIN1001234') };
    assert.deepEqual(reasons(crossCheckBankStatement('bank_statement', applicant, bad)), { account_holder: 'fail:name_below_threshold', ifsc_format: 'fail:ifsc_invalid' });
    assert.deepEqual(reasons(crossCheckBankStatement('bank_statement', applicant, {})), { account_holder: 'fail:not_read', ifsc_format: 'fail:not_read' });
    assert.deepEqual(reasons(crossCheckBankStatement('bank_statement', {}, statement)), { ifsc_format: 'pass:match' });
  });
});

describe('documentTypeCheck', () => {
  it('passes the expected type and says whether another type or none was found', () => {
    assert.deepEqual(documentTypeCheck('pan_image', 'pan', 'pan', 0.93), {
      document: 'pan_image',
      check: 'document_type',
      passed: true,
      reason: 'match',
      message: 'The document is a PAN card, as expected.',
      read: 'pan',
      confidence: 0.93,
    });
    const wrong = documentTypeCheck('pan_image', 'pan', 'aadhaar', 0.8);
    assert.equal(wrong.reason, 'wrong_document_type');
    assert.equal(wrong.message, 'Expected a PAN card but the document is an Aadhaar card.');
    const unknown = documentTypeCheck('statement', 'bank_statement', 'unknown', 0.4);
    assert.equal(unknown.reason, 'wrong_document_type');
    assert.equal(unknown.message, 'Expected a bank statement but the document could not be recognised.');
    assert.equal(unknown.read, 'unknown');
  });
});

describe('summariseChecks', () => {
  it('is verified only when there are checks and all passed', () => {
    assert.deepEqual(summariseChecks([]), { verified: false, checks: [], failed: [] });
    const passing = crossCheckPan('pan_image', applicant, panCard);
    assert.equal(summariseChecks(passing).verified, true);
  });

  it('lists each failed check once, in order', () => {
    const checks = [
      documentTypeCheck('pan_image', 'pan', 'pan', 0.9),
      ...crossCheckPan('pan_image', applicant, { ...panCard, name: field('PRIYA SHARMA') }),
      ...crossCheckAadhaar('aadhaar_image', applicant, { name: field('Priya') }),
    ];
    const report = summariseChecks(checks);
    assert.equal(report.verified, false);
    assert.deepEqual(report.failed, ['name', 'aadhaar_last_four', 'aadhaar_checksum']);
  });

  it('never shows a typed or read value unmasked', () => {
    const typed: TypedApplicant = { name: 'Rahul Kumar Sharma', dateOfBirth: '1990-05-17', pan: 'ABCPE1234F', aadhaarNumber: '234123412346' };
    const pan = { pan: field('ABCPF1234F'), name: field('Rohit Kumar Verma'), date_of_birth: field('1991-06-18') };
    const aadhaar = { name: field('Rahul Kumar Sharma'), date_of_birth: field('1990-05-17'), aadhaar_number: field('XXXX XXXX 2346') };
    const bank = { account_holder: field('Rahul Kumar Sharma'), account_number: field('123456789012'), ifsc: field('SBIN0001234') };
    const report = summariseChecks([
      ...crossCheckPan('pan_image', typed, pan),
      ...crossCheckPan('pan_image', typed, {}),
      ...crossCheckAadhaar('aadhaar_image', typed, aadhaar),
      ...crossCheckAadhaar('aadhaar_image', { ...typed, aadhaarNumber: '234123412347' }, aadhaar),
      ...crossCheckBankStatement('bank_statement', typed, bank),
    ]);
    const json = JSON.stringify(report).toLowerCase();
    for (const secret of ['ABCPE1234F', 'ABCPF1234F', 'ABCPE', '234123412346', '2341 2341', '23412341', '234123412347', 'Rahul', 'Kumar', 'Sharma', 'Rohit', 'Verma', '1990-05-17', '05-17', '1991-06-18', '123456789012']) {
      assert.ok(!json.includes(secret.toLowerCase()), `${secret} appears in the report`);
    }
  });
});
