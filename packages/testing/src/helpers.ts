import { loadConfigFromEnv } from '@metis/sdk';
import type { MetisConfig } from '@metis/sdk';

/** Return the configuration tests run against: the environment's, with local-stack defaults. */
export function testConfig(overrides: { temporal?: Partial<MetisConfig['temporal']>; database?: Partial<MetisConfig['database']>; objectStore?: Partial<MetisConfig['objectStore']> } = {}): MetisConfig {
  const base = loadConfigFromEnv();
  return {
    temporal: { ...base.temporal, ...overrides.temporal },
    database: { ...base.database, ...overrides.database },
    objectStore: { ...base.objectStore, ...overrides.objectStore },
    ...(base.encryption ? { encryption: base.encryption } : {}),
    ...(base.apiKeyPepper ? { apiKeyPepper: base.apiKeyPepper } : {}),
  };
}

/** Return a short random id with a prefix, unique enough to keep test runs apart. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Return a fresh, valid tenant id. */
export function uniqueTenantId(prefix = 't'): string {
  return uniqueId(prefix);
}

/** Poll `probe` until it returns a value other than undefined, or throw after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, last === undefined ? undefined : { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
