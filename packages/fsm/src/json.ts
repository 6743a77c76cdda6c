import * as z from 'zod';
import { schemaRegistry } from './schema-registry.ts';

/** A JSON primitive. */
export type JsonPrimitive = string | number | boolean | null;

/** Any value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Validate any JSON value. */
export const jsonValueSchema: z.ZodType<JsonValue, JsonValue> = z
  .json()
  .register(schemaRegistry, { id: 'JsonValue', description: 'Any JSON value.' });

/** Validate a JSON object with string keys. */
export const jsonObjectSchema: z.ZodType<JsonObject, JsonObject> = z.record(z.string(), jsonValueSchema);

/** Report whether a value is a plain (non-array, non-null) object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Report whether an own property exists on a plain object. */
export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
