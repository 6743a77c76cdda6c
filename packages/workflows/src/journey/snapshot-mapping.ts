import type { Journey, PersistedJourney } from '@metis/fsm';

/** Map a snapshot onto another version of the same journey; throw with a reason when it cannot. */
export function mapSnapshot(snapshot: PersistedJourney, target: Journey, mapping: string, stateMap: Readonly<Record<string, string>> = {}): PersistedJourney {
  if (snapshot.journeyType !== target.journeyType) {
    throw new Error(`cannot migrate a ${snapshot.journeyType} journey to a ${target.journeyType} config`);
  }
  let rename: (state: string) => string;
  switch (mapping) {
    case 'same-states':
      rename = (state) => state;
      break;
    case 'rename-states':
      rename = (state) => stateMap[state] ?? state;
      break;
    default:
      throw new Error(`unknown mapping "${mapping}": use same-states or rename-states`);
  }
  const state = rename(snapshot.state);
  const mapped: PersistedJourney = {
    ...snapshot,
    version: target.version,
    state,
    context: {
      ...snapshot.context,
      timeouts: Object.fromEntries(Object.entries(snapshot.context.timeouts).map(([s, n]) => [rename(s), n])),
      results: Object.fromEntries(Object.entries(snapshot.context.results).map(([s, r]) => [rename(s), r])),
    },
  };
  // Throws when the state is missing in the target or the status contradicts it.
  return target.validateSnapshot(mapped);
}
