// @metis/activities/journeys: the audit write, projections and automated states.
export { createJourneyActivities } from './journey-activities.ts';
export type { AutomationContext, AutomationInput, BusinessEvent, BusinessEventInput, JourneyActivities, JourneyActivityDeps, JourneyAutomation, JourneyStatusInput, JsonRecord, RecordTransitionInput } from './journey-activities.ts';
