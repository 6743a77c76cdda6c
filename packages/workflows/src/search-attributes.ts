import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';

/** Search attribute holding the tenant id of a Metis workflow. */
export const MetisTenant = defineSearchAttributeKey('MetisTenant', SearchAttributeType.KEYWORD);
/** Search attribute holding the journey or process type. */
export const MetisJourney = defineSearchAttributeKey('MetisJourney', SearchAttributeType.KEYWORD);
/** Search attribute holding the current state. */
export const MetisState = defineSearchAttributeKey('MetisState', SearchAttributeType.KEYWORD);
/** Search attribute holding the outcome once there is one. */
export const MetisOutcome = defineSearchAttributeKey('MetisOutcome', SearchAttributeType.KEYWORD);

/** Every Metis search attribute, to register on a Temporal namespace. */
export const METIS_SEARCH_ATTRIBUTES = [MetisTenant, MetisJourney, MetisState, MetisOutcome] as const;

/** Return the attributes a Metis workflow starts with and keeps current: its tenant, kind and state. */
export function metisSearchAttributes(tenantId: string, kind: string, state: string): SearchAttributePair[] {
  return [
    { key: MetisTenant, value: tenantId },
    { key: MetisJourney, value: kind },
    { key: MetisState, value: state },
  ];
}
