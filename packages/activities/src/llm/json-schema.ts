import AjvModule from 'ajv';
import type { DefinedError, SchemaObject, ValidateFunction } from 'ajv';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The JSON-schema subset Metis constrains generation with (what llama.cpp's JSON grammar supports). */
export type JsonSchema =
  | { readonly type: 'object'; readonly properties: { readonly [key: string]: JsonSchema }; readonly required?: readonly string[]; readonly description?: string }
  | { readonly type: 'array'; readonly items: JsonSchema; readonly minItems?: number; readonly maxItems?: number; readonly description?: string }
  | { readonly type: 'string'; readonly minLength?: number; readonly maxLength?: number; readonly description?: string }
  | { readonly type: 'number' | 'integer' | 'boolean' | 'null'; readonly description?: string }
  | { readonly enum: readonly (string | number | boolean | null)[]; readonly description?: string }
  | { readonly const: string | number | boolean | null; readonly description?: string };

// ajv is CommonJS: under NodeNext its default import is `module.exports`, whose `default` is the class.
const ajv = new AjvModule.default({ allErrors: true, strict: true });
const validators = new WeakMap<JsonSchema, ValidateFunction>();

/** Spell out what Metis's schema subset leaves implicit: every property is required unless `required` says otherwise, and no other property is allowed. */
function toAjvSchema(schema: JsonSchema): SchemaObject {
  if ('enum' in schema) return { enum: [...schema.enum] };
  if ('const' in schema) return { const: schema.const };
  switch (schema.type) {
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries(schema.properties).map(([key, sub]) => [key, toAjvSchema(sub)])),
        required: [...(schema.required ?? Object.keys(schema.properties))],
        additionalProperties: false,
      };
    case 'array':
      return { type: 'array', items: toAjvSchema(schema.items), ...(schema.minItems === undefined ? {} : { minItems: schema.minItems }), ...(schema.maxItems === undefined ? {} : { maxItems: schema.maxItems }) };
    case 'string':
      return { type: 'string', ...(schema.minLength === undefined ? {} : { minLength: schema.minLength }), ...(schema.maxLength === undefined ? {} : { maxLength: schema.maxLength }) };
    default:
      return { type: schema.type };
  }
}

/** Compile a schema once; later calls with the same schema object reuse the validator. */
function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    const compiled = toAjvSchema(schema);
    validate = ajv.compile(compiled);
    // This module's cache owns the validator: drop ajv's own reference so a schema built per call is not kept forever.
    ajv.removeSchema(compiled);
    validators.set(schema, validate);
  }
  return validate;
}

/** Turn ajv's JSON Pointer (`/risk_flags/0`) into the path style of the messages (`$.risk_flags[0]`), indexing arrays by position. */
function pathOf(pointer: string, value: unknown, root: string): string {
  let path = root;
  let at = value;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += Array.isArray(at) ? `[${key}]` : `.${key}`;
    at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  }
  return path;
}

const TYPE_NAMES: Readonly<Record<string, string>> = { object: 'an object', array: 'an array', string: 'a string', number: 'a number', integer: 'an integer', boolean: 'a boolean', null: 'null' };

function message(error: DefinedError, value: unknown, root: string): string {
  const path = pathOf(error.instancePath, value, root);
  switch (error.keyword) {
    case 'required':
      return `${path}.${error.params.missingProperty} is required`;
    case 'additionalProperties':
      return `${path}.${error.params.additionalProperty} is not allowed`;
    case 'type':
      return `${path} must be ${TYPE_NAMES[error.params.type] ?? error.params.type}`;
    case 'enum':
      return `${path} must be one of ${JSON.stringify(error.params.allowedValues)}`;
    case 'const':
      return `${path} must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'minItems':
      return `${path} needs at least ${error.params.limit} items`;
    case 'maxItems':
      return `${path} allows at most ${error.params.limit} items`;
    case 'minLength':
      return `${path} needs at least ${error.params.limit} characters`;
    case 'maxLength':
      return `${path} allows at most ${error.params.limit} characters`;
    default:
      return `${path} ${error.message ?? 'is invalid'}`;
  }
}

/** Return what is wrong with `value` under `schema` (empty when it conforms); paths look like `$.risk_flags[0]`. */
export function validateJson(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => message(error as DefinedError, value, path));
}

// The longest whitespace llama.cpp's JSON grammar allows at one spot: a newline and one indent per level.
const whitespace = (depth: number): number => 1 + 4 * (depth + 1);

/**
 * Return the most bytes a document of this schema can take as the JSON grammar generates it,
 * or undefined when unbounded (a string without maxLength, an array without maxItems, a number).
 * Every token yields at least one byte, so this also bounds the tokens generation needs.
 */
export function maxJsonBytes(schema: JsonSchema, depth = 0): number | undefined {
  if ('enum' in schema) return Math.max(...schema.enum.map((e) => new TextEncoder().encode(JSON.stringify(e)).byteLength));
  if ('const' in schema) return new TextEncoder().encode(JSON.stringify(schema.const)).byteLength;
  switch (schema.type) {
    case 'object': {
      let total = 2 + whitespace(depth);
      for (const [key, sub] of Object.entries(schema.properties)) {
        const inner = maxJsonBytes(sub, depth + 1);
        if (inner === undefined) return undefined;
        total += new TextEncoder().encode(JSON.stringify(key)).byteLength + 2 + 2 * whitespace(depth + 1) + inner;
      }
      return total;
    }
    case 'array': {
      const inner = maxJsonBytes(schema.items, depth + 1);
      if (inner === undefined || schema.maxItems === undefined) return undefined;
      return 2 + whitespace(depth) + schema.maxItems * (inner + 1 + whitespace(depth + 1));
    }
    case 'string':
      // An escaped character (\uXXXX) is the longest form of one character.
      return schema.maxLength === undefined ? undefined : 2 + 6 * schema.maxLength;
    case 'boolean':
      return 5;
    case 'null':
      return 4;
    case 'number':
    case 'integer':
      return undefined;
  }
}
