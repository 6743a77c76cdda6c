import type { FieldError } from '../errors.ts';
import type { GuardView } from '../guards/registry.ts';
import type { JsonObject } from '../json.ts';
import { isBlank } from '../rules/field-types.ts';
import type { HistoryEntry, JourneyContext } from './context.ts';
import type { JourneyEvent, OperatorEvent } from './events.ts';
import type { CompiledJourney, CompiledState } from './model.ts';
import { validateData } from './validate-data.ts';

/** What an event would do: the target state and next context, or why it is rejected. */
export type Plan = { ok: true; to: string; context: JourneyContext } | { ok: false; errors: FieldError[] };

const reject = (code: string, field: string | null, message: string): Plan => ({ ok: false, errors: [{ code, field, message }] });

// Plans of frozen contexts and events, by journey, context, event and state. Within one
// `journey.step` the step itself, the machine's guard on each candidate edge and its action all
// ask the same question of the same objects; frozen, those objects cannot change, so it is
// answered once. Unfrozen ones (a live actor's) are planned each time.
const plans = new WeakMap<CompiledJourney, WeakMap<JourneyContext, WeakMap<JourneyEvent, Map<string, Plan>>>>();

function child<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** Decide, purely, what an event does in a state: used by the machine's guards and actions and by `journey.step`. */
export function planEvent(model: CompiledJourney, current: string, context: JourneyContext, event: JourneyEvent): Plan {
  if (!Object.isFrozen(context) || !Object.isFrozen(event)) return computePlan(model, current, context, event);
  const byState = child(child(child(plans, model, () => new WeakMap()), context, () => new WeakMap()), event, () => new Map<string, Plan>());
  let plan = byState.get(current);
  if (plan === undefined) byState.set(current, (plan = computePlan(model, current, context, event)));
  return plan;
}

function computePlan(model: CompiledJourney, current: string, context: JourneyContext, event: JourneyEvent): Plan {
  const state = model.states.get(current);
  if (!state) return reject('wrong_state', 'state', `The journey is in unknown state "${current}".`);
  if (state.final) return reject('journey_finished', null, `The journey has finished in state "${current}".`);
  if (event.state !== undefined && event.state !== current) {
    return reject('wrong_state', 'state', `The event is for state "${event.state}" but the journey is in "${current}".`);
  }
  switch (event.type) {
    case 'SUBMIT': {
      if (state.automated) return reject('automated_state', null, `State "${current}" is automated: it advances on its automated result, not on a submission.`);
      const merged = { ...context.data, ...event.data };
      const errors = validateData(model, state, { merged, submitted: event.data, asOf: event.asOf, requireFields: true });
      if (errors.length > 0) return { ok: false, errors };
      return advance(state, event.next, { state: current, data: merged, results: context.results }, (to) =>
        record({ ...context, data: merged }, entry(context, event.type, current, to, event.asOf)),
      );
    }
    case 'AUTOMATED_RESULT': {
      if (!state.automated) return reject('not_automated', null, `State "${current}" is not automated: it advances on a submission.`);
      const results = { ...context.results, [current]: event.result };
      return advance(state, event.next, { state: current, data: context.data, results }, (to) =>
        record({ ...context, results }, entry(context, event.type, current, to, event.asOf)),
      );
    }
    case 'TIMEOUT': {
      if (state.timeoutMs === null) return reject('no_timeout', null, `State "${current}" has no timeout.`);
      const to = state.onTimeout ?? current;
      const timeouts = { ...context.timeouts, [current]: (context.timeouts[current] ?? 0) + 1 };
      return { ok: true, to, context: record({ ...context, timeouts }, entry(context, event.type, current, to, event.asOf)) };
    }
    case 'OPERATOR':
      return operate(model, state, context, event);
  }
}

function operate(model: CompiledJourney, state: CompiledState, context: JourneyContext, event: OperatorEvent): Plan {
  const submitted = event.data ?? {};
  if (event.action === 'amend' && Object.keys(submitted).length === 0) {
    return reject('invalid_event', 'data', 'An amendment needs the corrected fields in `data`.');
  }
  let to = state.name;
  if (event.action === 'move') {
    if (event.next === undefined || !state.nextStates.includes(event.next)) {
      return reject('invalid_transition', 'next', `An operator can move "${state.name}" only to one of: ${state.nextStates.join(', ')}.`);
    }
    to = event.next;
  }
  const merged = { ...context.data, ...submitted };
  const errors = validateData(model, state, { merged, submitted, asOf: event.asOf, requireFields: false });
  if (errors.length > 0) return { ok: false, errors };
  const base = entry(context, event.type, state.name, to, event.asOf);
  return { ok: true, to, context: record({ ...context, data: merged }, { ...base, operator: event.operator, reason: event.reason }) };
}

function advance(state: CompiledState, requested: string | undefined, view: GuardView, build: (to: string) => JourneyContext): Plan {
  if (requested !== undefined) {
    if (!state.nextStates.includes(requested)) {
      return reject('invalid_transition', 'next', `"${state.name}" cannot move to "${requested}"; valid next states: ${state.nextStates.join(', ')}.`);
    }
    const guard = state.guards.get(requested);
    if (guard && !guard.check(view)) {
      return reject('guard_rejected', 'next', `The move from "${state.name}" to "${requested}" requires ${guard.label}.`);
    }
    return { ok: true, to: requested, context: build(requested) };
  }
  const to = state.nextStates.find((t) => state.guards.get(t)?.check(view) ?? true);
  if (to === undefined) {
    const conditions = state.nextStates.map((t) => `${t} (${state.guards.get(t)?.label ?? 'always'})`).join(', ');
    return reject('no_route', 'next', `No next state of "${state.name}" is allowed yet: ${conditions}.`);
  }
  return { ok: true, to, context: build(to) };
}

function entry(context: JourneyContext, event: JourneyEvent['type'], from: string, to: string, asOf: string | undefined): HistoryEntry {
  const e: HistoryEntry = { seq: context.history.length + 1, event, from, to };
  if (asOf !== undefined) e.asOf = asOf;
  return e;
}

function record(context: JourneyContext, e: HistoryEntry): JourneyContext {
  return { ...context, history: [...context.history, e] };
}

/** Return the fields of a state that the journey data does not yet provide. */
export function missingFields(state: CompiledState, data: JsonObject): string[] {
  return state.requiredFields.filter((f) => isBlank(data[f]));
}
