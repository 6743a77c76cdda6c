import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageOn, builtinValidationRules, createJourney, createValidationRegistry, defaultValidationRegistry, defineValidationRule, RegistryError } from '@metis/fsm';
import type { JsonObject, JsonValue, RuleViolation } from '@metis/fsm';
import * as z from 'zod';
import { aadhaarFrom, goodDocument } from './helpers.ts';

/** Run a registered rule on one value, with its params parsed like a journey does; return the codes. */
function codes(rule: string, value: JsonValue, params: JsonObject = {}, asOf?: string): string[] {
  const r = defaultValidationRegistry.get(rule);
  assert.ok(r, rule);
  const parsed: unknown = r.paramsSchema ? r.paramsSchema.parse(params) : params;
  const out = r.validate(value, { field: 'f', fieldType: undefined, params: parsed, data: {}, asOf });
  const list: readonly RuleViolation[] = out === null ? [] : Array.isArray(out) ? (out as readonly RuleViolation[]) : [out as RuleViolation];
  return list.map((v) => v.code);
}

describe('built-in validation rules', () => {
  it('email_format', () => {
    for (const ok of ['asha@example.com', 'a.b+kyc@mail.co.in', "o'neil@x.org"]) assert.deepEqual(codes('email_format', ok), [], ok);
    for (const bad of ['asha', 'asha@', '@example.com', 'a..b@example.com', 'asha@example', 'asha@exa_mple.com', 'a b@example.com', 42]) {
      assert.deepEqual(codes('email_format', bad), ['email_format'], String(bad));
    }
  });

  it('phone_format accepts Indian mobiles with or without +91', () => {
    for (const ok of ['9876543210', '+919876543210', '+91 9876543210', '+91-6123456789']) assert.deepEqual(codes('phone_format', ok), [], ok);
    for (const bad of ['5876543210', '987654321', '98765432101', '+92 9876543210', '+91  9876543210', '0091 9876543210', 9876543210]) {
      assert.deepEqual(codes('phone_format', bad), ['phone_format'], String(bad));
    }
  });

  it('pan_format checks the shape and the holder type', () => {
    assert.deepEqual(codes('pan_format', 'ABCPE1234F'), []);
    assert.deepEqual(codes('pan_format', 'AAACR5055K'), []);
    for (const bad of ['ABCPE1234', 'abcpe1234f', 'ABCP31234F', 'ABCPE12345', 'ABCPEI234F']) assert.deepEqual(codes('pan_format', bad), ['pan_format'], bad);
    assert.deepEqual(codes('pan_format', 'ABCXE1234F'), ['pan_holder_type']);
    assert.deepEqual(codes('pan_format', 'ABCCE1234F', { holder_types: ['P'] }), ['pan_holder_type']);
    assert.deepEqual(codes('pan_format', 'ABCPE1234F', { holder_types: ['P'] }), []);
  });

  it('aadhar_format checks 12 digits, the first digit and the Verhoeff checksum', () => {
    const valid = aadhaarFrom('23456789012');
    assert.deepEqual(codes('aadhar_format', valid), []);
    assert.deepEqual(codes('aadhar_format', `${valid.slice(0, 4)} ${valid.slice(4, 8)} ${valid.slice(8)}`), []);
    assert.deepEqual(codes('aadhar_format', `${valid.slice(0, 4)} ${valid.slice(4, 8)}-${valid.slice(8)}`), ['aadhar_format']);
    assert.deepEqual(codes('aadhar_format', aadhaarFrom('13456789012')), ['aadhar_format']);
    assert.deepEqual(codes('aadhar_format', aadhaarFrom('03456789012')), ['aadhar_format']);
    assert.deepEqual(codes('aadhar_format', valid.slice(0, 11)), ['aadhar_format']);
    const wrongCheck = valid.slice(0, 11) + String((Number(valid[11]) + 1) % 10);
    assert.deepEqual(codes('aadhar_format', wrongCheck), ['aadhar_checksum']);
  });

  it('image_size checks bytes, dimensions and MIME type with tenant thresholds', () => {
    assert.deepEqual(codes('image_size', goodDocument()), []);
    assert.deepEqual(codes('image_size', goodDocument({ bytes: 6_000_000 })), ['image_too_large']);
    assert.deepEqual(codes('image_size', goodDocument({ bytes: 3_000_000 }), { max_bytes: 2_000_000 }), ['image_too_large']);
    assert.deepEqual(codes('image_size', goodDocument({ bytes: 2_000 })), ['image_too_small']);
    assert.deepEqual(codes('image_size', goodDocument({ width: 200 })), ['image_dimensions_too_small']);
    assert.deepEqual(codes('image_size', goodDocument({ mime_type: 'image/gif' })), ['image_type_not_allowed']);
    assert.deepEqual(codes('image_size', { bytes: 50_000, mime_type: 'application/pdf' }), [], 'a PDF has no pixel size');
    assert.deepEqual(codes('image_size', 'pan.jpg'), ['type_mismatch']);
  });

  it('image_quality checks blur and brightness scores from the OCR step', () => {
    assert.deepEqual(codes('image_quality', goodDocument()), []);
    assert.deepEqual(codes('image_quality', goodDocument({ blur_score: 0.8 })), ['image_blurry']);
    assert.deepEqual(codes('image_quality', goodDocument({ blur_score: 0.5 }), { max_blur: 0.4 }), ['image_blurry']);
    assert.deepEqual(codes('image_quality', goodDocument({ brightness_score: 0.05 })), ['image_too_dark']);
    assert.deepEqual(codes('image_quality', goodDocument({ brightness_score: 0.99 })), ['image_too_bright']);
    assert.deepEqual(codes('image_quality', goodDocument({ blur_score: 0.9, brightness_score: 0.01 })), ['image_blurry', 'image_too_dark']);
    assert.deepEqual(codes('image_quality', { bytes: 100_000 }), []);
    assert.deepEqual(codes('image_quality', { bytes: 100_000 }, { require_scores: true }), ['image_quality_unscored']);
  });

  it('required, number_range, pattern, ifsc_format and consent', () => {
    assert.deepEqual(codes('required', ''), ['required']);
    assert.deepEqual(codes('required', 'x'), []);
    assert.deepEqual(codes('number_range', 5, { min: 10 }), ['number_too_small']);
    assert.deepEqual(codes('number_range', 50, { max: 10 }), ['number_too_large']);
    assert.deepEqual(codes('number_range', 10, { min: 10, max: 10 }), []);
    assert.deepEqual(codes('number_range', '10', { min: 1 }), ['type_mismatch']);
    assert.deepEqual(codes('pattern', '560001', { pattern: '^[1-9]\\d{5}$' }), []);
    assert.deepEqual(codes('pattern', '060001', { pattern: '^[1-9]\\d{5}$' }), ['pattern_mismatch']);
    assert.deepEqual(codes('ifsc_format', 'HDFC0001234'), []);
    assert.deepEqual(codes('ifsc_format', 'HDFC1001234'), ['ifsc_format']);
    assert.deepEqual(codes('consent', true), []);
    assert.deepEqual(codes('consent', 'yes'), ['consent_required']);
  });

  it('date_format and age rules use the event asOf date, never the clock', () => {
    assert.deepEqual(codes('date_format', '2024-02-29'), []);
    assert.deepEqual(codes('date_format', '2023-02-29'), ['date_format']);
    assert.deepEqual(codes('date_format', '29/02/2024'), ['date_format']);
    assert.equal(ageOn('2007-06-15', '2025-06-14'), 17);
    assert.equal(ageOn('2007-06-15', '2025-06-15T08:00:00+05:30'), 18);
    assert.deepEqual(codes('min_age', '2007-06-15', { min: 18 }, '2025-06-14'), ['age_below_minimum']);
    assert.deepEqual(codes('min_age', '2007-06-15', { min: 18 }, '2025-06-15'), []);
    assert.deepEqual(codes('min_age', '2007-06-15', {}, undefined), ['as_of_required']);
    assert.deepEqual(codes('min_age', '2030-01-01', {}, '2025-01-01'), ['date_format']);
    assert.deepEqual(codes('max_age', '1950-01-01', { max: 65 }, '2025-01-01'), ['age_above_maximum']);
    assert.throws(() => defaultValidationRegistry.get('max_age')?.paramsSchema?.parse({}), 'max_age has no default maximum');
  });

  it('every built-in rule has a snake_case name, a description and a params schema', () => {
    assert.equal(builtinValidationRules.length, defaultValidationRegistry.names().length);
    for (const r of builtinValidationRules) {
      assert.match(r.name, /^[a-z][a-z0-9_]*$/);
      assert.ok(r.description.length > 10, r.name);
      assert.ok(r.paramsSchema, r.name);
    }
  });
});

describe('tenant rule registration', () => {
  const gstin = defineValidationRule({
    name: 'gstin_format',
    description: 'A 15-character GSTIN whose state code is in the allowed list.',
    selector: { names: /(^|_)gstin$/ },
    paramsSchema: z.strictObject({ states: z.array(z.string().length(2)).default(['27', '29']) }),
    validate(value, { params }) {
      if (typeof value !== 'string' || !/^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/.test(value)) return { code: 'gstin_format', message: 'Enter a valid GSTIN.' };
      return params.states.includes(value.slice(0, 2)) ? null : { code: 'gstin_state', message: 'GSTIN from a state we do not serve.', params: { state: value.slice(0, 2) } };
    },
  });

  it('registers a rule by name and runs it inside a journey with typed field errors', () => {
    const rules = createValidationRegistry([gstin]);
    const journey = createJourney(
      {
        journey_type: 'business',
        version: '1',
        states: [
          { state_name: 'company', valid_next_states: ['done'], required_fields: ['gstin'], validation_rules: [{ rule: 'gstin_format', params: { states: ['29'] } }] },
          { state_name: 'done', final_state: true },
        ],
      },
      { rules },
    );
    const start = journey.initial();
    const wrongState = journey.step(start, { type: 'SUBMIT', data: { gstin: '27AAPFU0939F1ZV' } });
    assert.deepEqual(wrongState, {
      ok: false,
      errors: [{ code: 'gstin_state', field: 'gstin', message: 'GSTIN from a state we do not serve.', rule: 'gstin_format', params: { state: '27' } }],
    });
    const fine = journey.step(start, { type: 'SUBMIT', data: { gstin: '29AAPFU0939F1ZV' } });
    assert.equal(fine.ok && fine.to, 'done');
  });

  it('refuses duplicate or badly named rules unless replacement is explicit', () => {
    assert.throws(() => createValidationRegistry([gstin, gstin]), (e: unknown) => e instanceof RegistryError && e.code === 'REGISTRY_CONFLICT');
    assert.throws(() => createValidationRegistry([{ ...gstin, name: 'GSTIN' }]), RegistryError);
    const stricter = defineValidationRule({ name: 'email_format', description: 'Only company addresses.', selector: { types: ['email'] }, validate: (v) => (typeof v === 'string' && v.endsWith('@acme.in') ? null : { code: 'email_domain', message: 'Use your acme.in address.' }) });
    assert.throws(() => createValidationRegistry([stricter]), RegistryError);
    const replaced = createValidationRegistry([stricter], { replace: true });
    assert.equal(replaced.get('email_format'), stricter);
    const extended = replaced.extend([gstin]);
    assert.ok(extended.has('gstin_format') && !replaced.has('gstin_format'), 'extend returns a new registry');
  });
});
