import * as z from 'zod';
import { isBlank } from '../rules/field-types.ts';
import type { JsonObject } from '../json.ts';
import { createNamedRegistry } from '../named-registry.ts';
import type { NamedRegistry } from '../named-registry.ts';

/** What a guard sees: the journey's data and automated results, including the event being checked. */
export interface GuardView {
  /** The state the journey is leaving. */
  state: string;
  /** Data submitted so far, merged with the event's data. */
  data: Readonly<JsonObject>;
  /** Automated results by state, merged with the event's result. */
  results: Readonly<Record<string, JsonObject>>;
}

/** A named transition guard that journey configs refer to by `name`. */
export interface GuardDefinition<P = unknown> {
  /** Name used in a state's `guards`, snake_case. */
  readonly name: string;
  /** One sentence describing when the guard passes. */
  readonly description: string;
  /** Schema of the guard's `params`; absent means it takes none. */
  readonly paramsSchema?: z.ZodType<P>;
  /** Decide whether the transition may happen. Must be pure and synchronous. */
  check(view: GuardView, params: P): boolean;
}

/** A guard of any parameter type, as stored in a registry. */
export type AnyGuard = GuardDefinition<unknown>;

/** Define a guard with its parameter type inferred from `paramsSchema`. */
export function defineGuard<P>(guard: GuardDefinition<P>): GuardDefinition<P> {
  return guard;
}

/** Pass when every listed data field is present and not blank. */
export const allPresent = defineGuard({
  name: 'all_present',
  description: 'Passes when every field in `fields` is present and not blank in the journey data.',
  paramsSchema: z.strictObject({ fields: z.array(z.string().min(1)).min(1) }),
  check(view, params) {
    return params.fields.every((f) => !isBlank(view.data[f]));
  },
});

/** The guards every journey can name. */
export const builtinGuards: readonly AnyGuard[] = [allPresent];

/** An immutable lookup of guards by name. */
export type GuardRegistry = NamedRegistry<AnyGuard>;

/** Create a registry holding the built-in guards plus a tenant's own guards. */
export function createGuardRegistry(custom: readonly AnyGuard[] = [], options: { replace?: boolean } = {}): GuardRegistry {
  return createNamedRegistry('guard', builtinGuards, custom, options.replace === true);
}

/** The registry of built-in guards only. */
export const defaultGuardRegistry: GuardRegistry = createGuardRegistry();
