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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Return what is wrong with `value` under `schema` (empty when it conforms); paths look like `$.risk_flags[0]`. */
export function validateJson(schema: JsonSchema, value: unknown, path = '$'): string[] {
  if ('enum' in schema) return schema.enum.some((e) => e === value) ? [] : [`${path} must be one of ${JSON.stringify(schema.enum)}`];
  if ('const' in schema) return value === schema.const ? [] : [`${path} must be ${JSON.stringify(schema.const)}`];
  switch (schema.type) {
    case 'object': {
      if (!isRecord(value)) return [`${path} must be an object`];
      const issues: string[] = [];
      const required = schema.required ?? Object.keys(schema.properties);
      for (const key of required) if (!(key in value)) issues.push(`${path}.${key} is required`);
      for (const [key, v] of Object.entries(value)) {
        const sub = schema.properties[key];
        if (sub === undefined) issues.push(`${path}.${key} is not allowed`);
        else issues.push(...validateJson(sub, v, `${path}.${key}`));
      }
      return issues;
    }
    case 'array': {
      if (!Array.isArray(value)) return [`${path} must be an array`];
      const issues: string[] = [];
      if (schema.minItems !== undefined && value.length < schema.minItems) issues.push(`${path} needs at least ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) issues.push(`${path} allows at most ${schema.maxItems} items`);
      value.forEach((item: unknown, i) => issues.push(...validateJson(schema.items, item, `${path}[${i}]`)));
      return issues;
    }
    case 'string': {
      if (typeof value !== 'string') return [`${path} must be a string`];
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength) return [`${path} needs at least ${schema.minLength} characters`];
      if (schema.maxLength !== undefined && length > schema.maxLength) return [`${path} allows at most ${schema.maxLength} characters`];
      return [];
    }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path} must be a number`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path} must be an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path} must be a boolean`];
    case 'null':
      return value === null ? [] : [`${path} must be null`];
  }
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
