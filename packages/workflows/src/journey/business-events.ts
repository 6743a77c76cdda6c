import type { JourneyConfig, JsonObject } from '@metis/fsm';

/** An event a journey transition emits to the outbox (workflow-side description). */
export interface JourneyEvent {
  /** Event name. */
  readonly type: string;
  /** Event body (no raw PII: field names and states only). */
  readonly payload: JsonObject;
}

/**
 * Derive the business events of one accepted transition: the step itself, PAN / Aadhaar
 * submissions, document uploads (by field type) and completion.
 */
export function transitionEvents(config: JourneyConfig, from: string, to: string, eventType: string, data: JsonObject | undefined, final: boolean): JourneyEvent[] {
  const fields = Object.keys(data ?? {});
  const events: JourneyEvent[] = [{ type: 'JOURNEY_STEP_COMPLETED', payload: { journeyType: config.journey_type, from, to, event: eventType, fields } }];
  if (eventType === 'SUBMIT' || eventType === 'OPERATOR') {
    if (fields.includes('pan_number')) events.push({ type: 'PAN_SUBMITTED', payload: { state: from } });
    if (fields.includes('aadhar_number')) events.push({ type: 'AADHAR_SUBMITTED', payload: { state: from } });
    const documents = fields.filter((f) => config.fields[f]?.type === 'document');
    if (documents.length > 0) events.push({ type: 'DOCUMENT_UPLOADED', payload: { state: from, fields: documents } });
  }
  if (final) events.push({ type: 'JOURNEY_COMPLETED', payload: { journeyType: config.journey_type, outcome: to } });
  return events;
}
