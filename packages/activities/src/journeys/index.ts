// @metis/activities/journeys: Journey activities: the audit write, projections and automated states.
export { createJourneyActivities } from './journey-activities.ts';
export type { AutomationInput, BusinessEvent, BusinessEventInput, JourneyActivities, JourneyActivityDeps, JourneyAutomation, JsonRecord, RecordTransitionInput } from './journey-activities.ts';
