// @metis/activities/journeys: Journey activities: the audit write, projections and automated states.
export { createJourneyActivities } from './journey-activities.ts';
export type { AutomationInput, JourneyActivities, JourneyActivityDeps, JourneyAutomation, JourneyEventInput, JsonRecord, RecordTransitionInput } from './journey-activities.ts';
