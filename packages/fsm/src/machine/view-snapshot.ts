import type { JsonObject } from '../json.ts';
import { PERSISTED_FORMAT } from './context.ts';
import type { PersistedJourney } from './context.ts';
import type { JourneyDescription } from './journey.ts';

/** What a journey's view shows of it: its description, data and automated results. */
export interface JourneyViewParts extends Pick<JourneyDescription, 'journeyType' | 'version' | 'state' | 'status' | 'timeoutCount'> {
  readonly data: JsonObject;
  readonly results: Readonly<Record<string, JsonObject>>;
}

/**
 * Build the snapshot a step is checked against from a journey's view, e.g. in a browser before the
 * step is sent: the view has no history, which no step check reads.
 */
export function snapshotOfView(view: JourneyViewParts): PersistedJourney {
  return {
    format: PERSISTED_FORMAT,
    journeyType: view.journeyType,
    version: view.version,
    state: view.state,
    status: view.status,
    context: { data: view.data, results: { ...view.results }, timeouts: view.timeoutCount > 0 ? { [view.state]: view.timeoutCount } : {}, history: [], startedAt: null },
  };
}
