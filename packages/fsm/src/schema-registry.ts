import * as z from 'zod';

/** Metadata carried into the published JSON Schemas. */
export interface SchemaMeta {
  id?: string;
  title?: string;
  description?: string;
  examples?: unknown[];
}

/**
 * Hold the package's schema metadata in a private registry, so ids such as `Condition` never
 * collide with a host application's use of zod's global registry.
 */
export const schemaRegistry = z.registry<SchemaMeta>();

/** Attach a description (and optional id/title) to a schema for the JSON Schema output. */
export function doc<S extends z.ZodType>(schema: S, description: string, extra: Omit<SchemaMeta, 'description'> = {}): S {
  schemaRegistry.add(schema, { ...extra, description });
  return schema;
}
