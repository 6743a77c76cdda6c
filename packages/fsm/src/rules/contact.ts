import * as z from 'zod';
import { defineValidationRule } from './types.ts';

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^[A-Za-z]{2,63}$/;

/** Check an address shaped like `local@domain.tld` (no quoted local parts or IP literals). */
export function isEmail(text: string): boolean {
  if (text.length > 254) return false;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at > 64) return false;
  const labels = text.slice(at + 1).split('.');
  const tld = labels[labels.length - 1] ?? '';
  return LOCAL.test(text.slice(0, at)) && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TLD.test(tld);
}

/** Validate an e-mail address. */
export const emailFormat = defineValidationRule({
  name: 'email_format',
  description: 'The value is an e-mail address such as name@example.com.',
  selector: { types: ['email'], names: /(^|_)email(_address)?$/ },
  paramsSchema: z.strictObject({}),
  validate(value) {
    return typeof value === 'string' && isEmail(value)
      ? null
      : { code: 'email_format', message: 'Enter an e-mail address such as name@example.com.' };
  },
});

/** An Indian mobile number: 10 digits starting 6–9, optionally prefixed by +91. */
export const INDIAN_MOBILE = /^(?:\+91[ -]?)?[6-9]\d{9}$/;

/** Validate an Indian mobile number, with or without +91. */
export const phoneFormat = defineValidationRule({
  name: 'phone_format',
  description: 'The value is an Indian mobile number: 10 digits starting with 6–9, optionally prefixed by +91.',
  selector: { types: ['phone'], names: /(^|_)(phone|mobile)(_number|_no)?$/ },
  paramsSchema: z.strictObject({}),
  validate(value) {
    return typeof value === 'string' && INDIAN_MOBILE.test(value)
      ? null
      : { code: 'phone_format', message: 'Enter a 10-digit Indian mobile number starting with 6–9, optionally with +91.' };
  },
});
