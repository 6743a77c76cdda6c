import { createDocumentActivities } from './documents/document-activities.ts';
import type { DocumentActivities, DocumentActivityDeps } from './documents/document-activities.ts';

/** Everything the activities need from the outside world. */
export type ActivityDeps = DocumentActivityDeps;

/** Every Metis activity, as workflows see them. */
export type MetisActivities = DocumentActivities;

/** Create every Metis activity from its dependencies. */
export function createActivities(deps: ActivityDeps): MetisActivities {
  return { ...createDocumentActivities(deps) };
}
