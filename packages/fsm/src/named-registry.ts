import { RegistryError } from './errors.ts';

/** Names of registered rules and guards are snake_case so that they read well in JSON. */
export const REGISTRY_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** An immutable lookup of named implementations (validation rules, guards). */
export interface NamedRegistry<T extends { readonly name: string }> {
  /** Find an entry by name. */
  get(name: string): T | undefined;
  /** Report whether an entry exists. */
  has(name: string): boolean;
  /** List the names, sorted. */
  names(): string[];
  /** Return a new registry with more entries; a name already present throws unless `replace` is set. */
  extend(entries: readonly T[], options?: { replace?: boolean }): NamedRegistry<T>;
}

/** Create an immutable registry from base entries plus additions. */
export function createNamedRegistry<T extends { readonly name: string }>(
  kind: string,
  base: readonly T[],
  added: readonly T[] = [],
  replace = false,
): NamedRegistry<T> {
  const map = new Map<string, T>();
  const put = (entry: T, allowReplace: boolean): void => {
    if (!REGISTRY_NAME_PATTERN.test(entry.name)) throw new RegistryError(`${kind} name "${entry.name}" must be snake_case.`);
    if (map.has(entry.name) && !allowReplace) {
      throw new RegistryError(`A ${kind} named "${entry.name}" already exists; pass { replace: true } to override it.`);
    }
    map.set(entry.name, entry);
  };
  for (const entry of base) put(entry, false);
  for (const entry of added) put(entry, replace);
  const entries = [...map.values()];
  return {
    get: (name) => map.get(name),
    has: (name) => map.has(name),
    names: () => [...map.keys()].sort(),
    extend: (more, options = {}) => createNamedRegistry(kind, entries, more, options.replace === true),
  };
}
