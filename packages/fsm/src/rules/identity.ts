import * as z from 'zod';
import { defineValidationRule } from './types.ts';
import type { RuleViolation } from './types.ts';
import { verhoeffValidate } from './verhoeff.ts';

/** PAN holder types (the PAN's 4th character) and what they stand for. */
export const PAN_HOLDER_TYPES = {
  A: 'association of persons',
  B: 'body of individuals',
  C: 'company',
  F: 'firm or LLP',
  G: 'government',
  H: 'Hindu undivided family',
  J: 'artificial juridical person',
  L: 'local authority',
  P: 'individual',
  T: 'trust',
} as const;

/** One PAN holder-type letter. */
export type PanHolderType = keyof typeof PAN_HOLDER_TYPES;

const HOLDER_CODES = Object.keys(PAN_HOLDER_TYPES) as [PanHolderType, ...PanHolderType[]];
const PAN_SHAPE = /^[A-Z]{5}\d{4}[A-Z]$/;

/** Check a PAN: 5 letters, 4 digits, 1 letter, the 4th letter a holder type in `allowed`. */
export function checkPan(value: string, allowed: readonly PanHolderType[] = HOLDER_CODES): RuleViolation | null {
  if (!PAN_SHAPE.test(value)) {
    return { code: 'pan_format', message: 'Enter the PAN as 5 capital letters, 4 digits and 1 capital letter, e.g. ABCPE1234F.' };
  }
  const holder = value.charAt(3);
  if (!(allowed as readonly string[]).includes(holder)) {
    const valid = holder in PAN_HOLDER_TYPES;
    return {
      code: 'pan_holder_type',
      message: valid
        ? `This PAN belongs to a ${PAN_HOLDER_TYPES[holder as PanHolderType]}; accepted holder types are ${allowed.join(', ')}.`
        : `The 4th character of a PAN is the holder type; "${holder}" is not one (valid: ${HOLDER_CODES.join(', ')}).`,
      params: { holder_type: holder, allowed: [...allowed] },
    };
  }
  return null;
}

/** Validate a PAN, optionally restricting the holder types (e.g. `["P"]` for individuals). */
export const panFormat = defineValidationRule({
  name: 'pan_format',
  description: 'The value is a PAN (5 letters, 4 digits, 1 letter) whose 4th letter is a valid holder type.',
  selector: { names: /(^|_)pan(_number|_no)?$/ },
  paramsSchema: z.strictObject({ holder_types: z.array(z.enum(HOLDER_CODES)).min(1).optional() }),
  validate(value, { params }) {
    if (typeof value !== 'string') return { code: 'pan_format', message: 'Enter the PAN as text.' };
    return checkPan(value, params.holder_types);
  },
});

const AADHAAR_GROUPED = /^(\d{4})([ -]?)(\d{4})\2(\d{4})$/;

/** Check an Aadhaar number: 12 digits (optionally grouped 4-4-4), not starting with 0 or 1, Verhoeff-valid. */
export function checkAadhaar(value: string): RuleViolation | null {
  const m = AADHAAR_GROUPED.exec(value);
  const digits = m ? `${m[1]}${m[3]}${m[4]}` : '';
  if (!m) return { code: 'aadhar_format', message: 'Enter the 12-digit Aadhaar number, optionally grouped as 1234 5678 9012.' };
  if (digits.startsWith('0') || digits.startsWith('1')) {
    return { code: 'aadhar_format', message: 'An Aadhaar number never starts with 0 or 1.' };
  }
  if (!verhoeffValidate(digits)) {
    return { code: 'aadhar_checksum', message: 'This Aadhaar number fails its checksum: check the digits for a typo.' };
  }
  return null;
}

/** Validate an Aadhaar number. */
export const aadharFormat = defineValidationRule({
  name: 'aadhar_format',
  description: 'The value is a 12-digit Aadhaar number not starting with 0 or 1 whose Verhoeff checksum holds.',
  selector: { names: /(^|_)aadh?aa?r(_number|_no)?$/ },
  paramsSchema: z.strictObject({}),
  validate(value) {
    if (typeof value !== 'string') return { code: 'aadhar_format', message: 'Enter the Aadhaar number as text.' };
    return checkAadhaar(value);
  },
});

const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;

/** Validate an IFSC bank branch code. */
export const ifscFormat = defineValidationRule({
  name: 'ifsc_format',
  description: 'The value is an IFSC code: 4 capital letters, a zero and 6 letters or digits.',
  selector: { names: /(^|_)ifsc(_code)?$/ },
  paramsSchema: z.strictObject({}),
  validate(value) {
    return typeof value === 'string' && IFSC.test(value)
      ? null
      : { code: 'ifsc_format', message: 'Enter the IFSC as 4 capital letters, 0 and 6 letters or digits, e.g. HDFC0001234.' };
  },
});
