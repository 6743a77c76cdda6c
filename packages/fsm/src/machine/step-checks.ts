import type { FieldError } from '../errors.ts';
import type { GuardView } from '../guards/registry.ts';
import type { JsonObject } from '../json.ts';
import type { HistoryEntry, JourneyContext } from './context.ts';
import type { JourneyEvent } from './events.ts';
import type { CompiledJourney, CompiledState } from './model.ts';
import { validateData } from './validate-data.ts';

// The checks behind the journey machine's guards and actions. Each is a pure function of the
// machine's context and event; the machine's guards call them to decide a step, and
// `explainRejection` calls the same ones, in the order below, to say why it took no transition.

/** Whether an event is for the given state: one without `state` is for whichever state is current. */
export function isForState(event: JourneyEvent, state: string): boolean {
  return event.state === undefined || event.state === state;
}

/** Whether an event asks for the move to `to`: a submission or result without `next` accepts any, an operator must name it. */
export function requestsMove(event: JourneyEvent, to: string): boolean {
  if (event.type === 'OPERATOR') return event.action === 'move' && event.next === to;
  return event.type === 'TIMEOUT' || event.next === undefined || event.next === to;
}

/** Whether an event is an operator amendment that carries the corrected fields. */
export function amendsData(event: JourneyEvent): boolean {
  return event.type === 'OPERATOR' && event.action === 'amend' && event.data !== undefined && Object.keys(event.data).length > 0;
}

/** The journey data once an event's submission or amendment is merged in. */
export function dataAfter(context: JourneyContext, event: JourneyEvent): JsonObject {
  if (event.type === 'SUBMIT') return { ...context.data, ...event.data };
  if (event.type === 'OPERATOR' && event.data !== undefined) return { ...context.data, ...event.data };
  return context.data;
}

/** The automated results once an AUTOMATED_RESULT for `state` is kept. */
export function resultsAfter(context: JourneyContext, event: JourneyEvent, state: string): Record<string, JsonObject> {
  return event.type === 'AUTOMATED_RESULT' ? { ...context.results, [state]: event.result } : context.results;
}

/** The timeout counts once `state` has timed out once more. */
export function timeoutsAfter(context: JourneyContext, state: string): Record<string, number> {
  return { ...context.timeouts, [state]: (context.timeouts[state] ?? 0) + 1 };
}

/** What a transition's condition sees when an event leaves `state`: the data and results including the event's own. */
export function viewAfter(context: JourneyContext, event: JourneyEvent, state: string): GuardView {
  return { state, data: dataAfter(context, event), results: resultsAfter(context, event, state) };
}

/** Field errors of an event's data in a state: a submission must complete the state's fields, operator data is checked as given. */
export function fieldErrors(model: CompiledJourney, state: CompiledState, context: JourneyContext, event: JourneyEvent): FieldError[] {
  if (event.type === 'SUBMIT') {
    return validateData(model, state, { merged: dataAfter(context, event), submitted: event.data, asOf: event.asOf, requireFields: true });
  }
  if (event.type === 'OPERATOR') {
    return validateData(model, state, { merged: dataAfter(context, event), submitted: event.data ?? {}, asOf: event.asOf, requireFields: false });
  }
  return [];
}

/** Whether the config's condition on the move from `state` to `to` holds (a move without one always may). */
export function conditionHolds(state: CompiledState, to: string, view: GuardView): boolean {
  return state.guards.get(to)?.check(view) ?? true;
}

/** The history entry of the move from `from` to `to` on an event. */
export function historyEntry(context: JourneyContext, event: JourneyEvent, from: string, to: string): HistoryEntry {
  const e: HistoryEntry = { seq: context.history.length + 1, event: event.type, from, to };
  if (event.asOf !== undefined) e.asOf = event.asOf;
  if (event.type === 'OPERATOR') {
    e.operator = event.operator;
    e.reason = event.reason;
  }
  return e;
}

const error = (code: string, field: string | null, message: string): FieldError[] => [{ code, field, message }];

/** Say why the machine took no transition for an event in state `current`, from the checks its guards run. */
export function explainRejection(model: CompiledJourney, current: string, context: JourneyContext, event: JourneyEvent): FieldError[] {
  const state = model.states.get(current);
  if (!state) return error('wrong_state', 'state', `The journey is in unknown state "${current}".`);
  if (state.final) return error('journey_finished', null, `The journey has finished in state "${current}".`);
  if (!isForState(event, current)) return error('wrong_state', 'state', `The event is for state "${event.state ?? ''}" but the journey is in "${current}".`);
  switch (event.type) {
    case 'SUBMIT': {
      if (state.automated) return error('automated_state', null, `State "${current}" is automated: it advances on its automated result, not on a submission.`);
      const errors = fieldErrors(model, state, context, event);
      return errors.length > 0 ? errors : routeErrors(state, event.next, viewAfter(context, event, current));
    }
    case 'AUTOMATED_RESULT':
      if (!state.automated) return error('not_automated', null, `State "${current}" is not automated: it advances on a submission.`);
      return routeErrors(state, event.next, viewAfter(context, event, current));
    case 'TIMEOUT':
      return state.timeoutMs === null ? error('no_timeout', null, `State "${current}" has no timeout.`) : [];
    case 'OPERATOR':
      if (event.action === 'amend' && !amendsData(event)) return error('invalid_event', 'data', 'An amendment needs the corrected fields in `data`.');
      if (event.action === 'move' && !state.nextStates.some((to) => requestsMove(event, to))) {
        return error('invalid_transition', 'next', `An operator can move "${current}" only to one of: ${state.nextStates.join(', ')}.`);
      }
      return fieldErrors(model, state, context, event);
  }
}

// Why no next state was taken: the requested one is not a next state or its condition fails, or none's holds.
function routeErrors(state: CompiledState, requested: string | undefined, view: GuardView): FieldError[] {
  if (requested !== undefined) {
    if (!state.nextStates.includes(requested)) {
      return error('invalid_transition', 'next', `"${state.name}" cannot move to "${requested}"; valid next states: ${state.nextStates.join(', ')}.`);
    }
    const guard = state.guards.get(requested);
    return guard && !guard.check(view) ? error('guard_rejected', 'next', `The move from "${state.name}" to "${requested}" requires ${guard.label}.`) : [];
  }
  if (state.nextStates.some((to) => conditionHolds(state, to, view))) return [];
  const conditions = state.nextStates.map((t) => `${t} (${state.guards.get(t)?.label ?? 'always'})`).join(', ');
  return error('no_route', 'next', `No next state of "${state.name}" is allowed yet: ${conditions}.`);
}
