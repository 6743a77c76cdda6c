import type { Priority } from '@temporalio/common';
import { ConfigurationError } from '@metis/activities/errors';
import { poolPriority } from '@metis/workflows';
import type { Pool } from '@metis/workflows';

/** Accept tenant fairness weights in this range (Temporal's own limits). */
export const FAIRNESS_WEIGHT_RANGE = { min: 0.001, max: 1000 } as const;

/** Give a tenant whose definition names no fairness weight this one. */
export const DEFAULT_FAIRNESS_WEIGHT = 1;

/** Return the tenant's fairness weight, or throw a `ConfigurationError` when it is not a finite number in {@link FAIRNESS_WEIGHT_RANGE}. */
export function checkFairnessWeight(tenantId: string, weight: unknown): number {
  if (weight === undefined) return DEFAULT_FAIRNESS_WEIGHT;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < FAIRNESS_WEIGHT_RANGE.min || weight > FAIRNESS_WEIGHT_RANGE.max) {
    throw new ConfigurationError('INVALID_FAIRNESS_WEIGHT', `tenant ${tenantId}: fairnessWeight ${typeof weight === 'number' ? String(weight) : JSON.stringify(weight)} is invalid`, {
      hint: `Use a finite number from ${FAIRNESS_WEIGHT_RANGE.min} to ${FAIRNESS_WEIGHT_RANGE.max} (default ${DEFAULT_FAIRNESS_WEIGHT}), or leave it out`,
    });
  }
  return weight;
}

/** Give the priority of a tenant's workflow start on a pool. */
export type TenantPriority = (pool: Pool) => Priority;

/** Return the priorities of a tenant's workflow starts: the pool's key, plus the tenant as fairness key and its weight when fairness is on. */
export function tenantPriority(tenantId: string, weight: number, fairness: boolean): TenantPriority {
  return (pool) => (fairness ? { ...poolPriority(pool), fairnessKey: tenantId, fairnessWeight: weight } : poolPriority(pool));
}
