// Where a journey stands, as the service returns it, and the machine snapshot the browser checks
// steps against: the view's state, data and results in the `metis.journey/1` format.
import { JourneySnapshotError, snapshotOfView } from '@metis/fsm';
import type { Journey, JourneyDescription, JsonObject, PersistedJourney } from '@metis/fsm';
import { ApiProblem, call } from './api.ts';

/** A journey's view (`GET /v1/journeys/{type}/{applicantId}`). */
export interface JourneyView extends JourneyDescription {
  readonly tenantId: string;
  readonly applicantId: string;
  readonly data: JsonObject;
  readonly results: Readonly<Record<string, JsonObject>>;
  readonly automationRunning: boolean;
  readonly automationError: string | null;
}

/** The answer to an accepted step. */
export interface StepAnswer {
  readonly journey: JourneyView;
  readonly from: string;
  readonly to: string;
}

/** Where the applicant stands: the view, or the machine's start when there is no journey yet. */
export interface Standing {
  readonly view: JourneyView;
  /** Whether the service has no journey yet (it starts on the first step). */
  readonly fresh: boolean;
  /** The snapshot the browser checks the next step against, or undefined when it cannot (another version). */
  readonly snapshot: PersistedJourney | undefined;
}

/** Build the snapshot of a view, as the SDK does before it uploads a step's files; undefined when the machine does not accept it. */
export function snapshotOf(journey: Journey, view: JourneyView): PersistedJourney | undefined {
  const snapshot = snapshotOfView(view);
  try {
    return journey.validateSnapshot(snapshot);
  } catch (error) {
    if (error instanceof JourneySnapshotError) return undefined;
    throw error;
  }
}

/** Return the standing of a fresh journey: the machine's initial snapshot. */
export function freshStanding(journey: Journey, tenantId: string, applicantId: string): Standing {
  const snapshot = journey.initial();
  const view: JourneyView = { ...journey.describe(snapshot), tenantId, applicantId, data: snapshot.context.data, results: snapshot.context.results, automationRunning: false, automationError: null };
  return { view, fresh: true, snapshot };
}

/** Return the standing of a view the service sent. */
export function standingOf(journey: Journey, view: JourneyView): Standing {
  return { view, fresh: false, snapshot: snapshotOf(journey, view) };
}

/** Read the journey's view from the service; a journey that does not exist yet is a fresh one. */
export async function loadStanding(journey: Journey, tenantId: string, applicantId: string): Promise<Standing> {
  try {
    return standingOf(journey, await call<JourneyView>('GET', `/v1/journeys/${encodeURIComponent(journey.journeyType)}/${encodeURIComponent(applicantId)}`));
  } catch (error) {
    if (error instanceof ApiProblem && error.problem.status === 404 && error.problem.code === 'NOT_FOUND') return freshStanding(journey, tenantId, applicantId);
    throw error;
  }
}
