import type { GuardRegistry } from '../guards/registry.ts';
import type { ValidationRegistry } from '../rules/registry.ts';

/** What names resolve against while linting. */
export interface NameScope {
  rules: ValidationRegistry;
  guards: GuardRegistry;
  assumedRules: ReadonlySet<string>;
  assumedGuards: ReadonlySet<string>;
}
