import type { JourneyConfig, JsonObject } from '@metis/fsm';

/**
 * A business event a journey transition writes to the outbox (`PAN_SUBMITTED`, `JOURNEY_COMPLETED`,
 * …; workflow-side description). Not a machine event: those are @metis/fsm's `JourneyEvent`
 * (`SUBMIT`, `TIMEOUT`, …), which cause the transition.
 */
export interface BusinessEvent {
  /** Outbox event type. */
  readonly type: string;
  /** Event body (no raw PII: field names and states only). */
  readonly payload: JsonObject;
}

/**
 * Derive the business events of one accepted transition: the step itself, PAN / Aadhaar
 * submissions, document uploads (by field type) and completion. `machineEvent` is the type of the
 * machine event that made the transition (`SUBMIT`, `OPERATOR`, …).
 */
export function transitionBusinessEvents(config: JourneyConfig, from: string, to: string, machineEvent: string, data: JsonObject | undefined, final: boolean): BusinessEvent[] {
  const fields = Object.keys(data ?? {});
  const events: BusinessEvent[] = [{ type: 'JOURNEY_STEP_COMPLETED', payload: { journeyType: config.journey_type, from, to, event: machineEvent, fields } }];
  if (machineEvent === 'SUBMIT' || machineEvent === 'OPERATOR') {
    if (fields.includes('pan_number')) events.push({ type: 'PAN_SUBMITTED', payload: { state: from } });
    if (fields.includes('aadhar_number')) events.push({ type: 'AADHAR_SUBMITTED', payload: { state: from } });
    const documents = fields.filter((f) => config.fields[f]?.type === 'document');
    if (documents.length > 0) events.push({ type: 'DOCUMENT_UPLOADED', payload: { state: from, fields: documents } });
  }
  if (final) events.push({ type: 'JOURNEY_COMPLETED', payload: { journeyType: config.journey_type, outcome: to } });
  return events;
}
