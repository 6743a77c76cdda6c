import { createNamedRegistry } from '../named-registry.ts';
import type { NamedRegistry } from '../named-registry.ts';
import { emailFormat, phoneFormat } from './contact.ts';
import { dateFormat, maxAge, minAge } from './date.ts';
import { consent, numberRange, pattern, required } from './general.ts';
import { aadharFormat, ifscFormat, panFormat } from './identity.ts';
import { imageQuality, imageSize } from './image.ts';
import type { ValidationRule } from './types.ts';

/** A rule of any parameter type, as stored in a registry. */
export type AnyValidationRule = ValidationRule<unknown>;

/** The validation rules every journey can name. */
export const builtinValidationRules: readonly AnyValidationRule[] = [
  required,
  emailFormat,
  phoneFormat,
  panFormat,
  aadharFormat,
  imageSize,
  imageQuality,
  dateFormat,
  minAge,
  maxAge,
  numberRange,
  pattern,
  ifscFormat,
  consent,
];

/** An immutable lookup of validation rules by name. */
export type ValidationRegistry = NamedRegistry<AnyValidationRule>;

/** Create a registry holding the built-in rules plus a tenant's own rules (`replace` lets them override built-ins). */
export function createValidationRegistry(custom: readonly AnyValidationRule[] = [], options: { replace?: boolean } = {}): ValidationRegistry {
  return createNamedRegistry('validation rule', builtinValidationRules, custom, options.replace === true);
}

/** The registry of built-in rules only. */
export const defaultValidationRegistry: ValidationRegistry = createValidationRegistry();
