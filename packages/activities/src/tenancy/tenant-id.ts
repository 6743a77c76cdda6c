import { InvalidTenantIdError } from '../errors.ts';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** The owner of platform-wide workflows' payload key and of platform operators' tokens; no tenant may take this id. */
export const PLATFORM_ID = 'platform';

/** Tell whether a value is a well-formed tenant id (`platform` is reserved). */
export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value) && value !== PLATFORM_ID;
}

/** Throw `InvalidTenantIdError` unless the value is a well-formed tenant id. */
export function assertTenantId(value: unknown): asserts value is string {
  if (!isTenantId(value)) throw new InvalidTenantIdError(value);
}

/** The tenant id under which platform-wide (system) events are written. */
export const SYSTEM_TENANT = 'system';
