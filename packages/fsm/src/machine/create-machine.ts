import { and, assign, fromPromise, or, raise, setup } from 'xstate';
import type { JsonObject } from '../json.ts';
import type { JourneyImplementations } from '../lint/lint-journey.ts';
import { parseJourneyConfig } from '../lint/lint-journey.ts';
import { initialContext } from './context.ts';
import type { JourneyContext, JourneyInput } from './context.ts';
import type { JourneyEvent } from './events.ts';
import { compileJourney } from './model.ts';
import type { CompiledJourney, CompiledState } from './model.ts';
import { amendsData, conditionHolds, dataAfter, fieldErrors, historyEntry, isForState, requestsMove, resultsAfter, timeoutsAfter, viewAfter } from './step-checks.ts';

/** What the automation actor of an automated state receives. */
export interface AutomationInput {
  state: string;
  data: JsonObject;
  results: Record<string, JsonObject>;
}

/** What the automation actor of an automated state resolves with; it becomes an AUTOMATED_RESULT event. */
export interface AutomationOutput {
  next?: string;
  result?: JsonObject;
}

/** Parameters of a guard or action about the state being left. */
interface StateParams {
  state: string;
}

/** Parameters of a guard or action about one transition. */
interface EdgeParams {
  from: string;
  to: string;
}

/** State meta exposed to XState tooling. */
export interface JourneyStateMeta {
  automated: boolean;
  final: boolean;
  timeoutMs: number | null;
  requiredFields: readonly string[];
}

/** Type parameters of every journey machine. */
interface JourneyTypes {
  context: JourneyContext;
  events: JourneyEvent;
  input: JourneyInput;
  meta: JourneyStateMeta;
}

/** Build the XState setup of a journey: its checks as named guards and its context updates as named actions. */
function journeySetup(model: CompiledJourney) {
  const stateOf = (name: string): CompiledState => {
    const state = model.states.get(name);
    if (!state) throw new Error(`Journey ${model.journeyType}@${model.version} has no state "${name}".`);
    return state;
  };
  return setup({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion is how XState infers the machine's types
    types: {} as JourneyTypes,
    guards: {
      eventForThisState: ({ event }, { state }: StateParams) => isForState(event, state),
      nextStateRequested: ({ event }, { to }: EdgeParams) => requestsMove(event, to),
      amendmentGiven: ({ event }) => amendsData(event),
      fieldsValid: ({ context, event }, { state }: StateParams) => fieldErrors(model, stateOf(state), context, event).length === 0,
      routeAllowed: ({ context, event }, { from, to }: EdgeParams) => conditionHolds(stateOf(from), to, viewAfter(context, event, from)),
    },
    actions: {
      mergeData: assign({ data: ({ context, event }) => dataAfter(context, event) }),
      storeResult: assign({ results: ({ context, event }, { state }: StateParams) => resultsAfter(context, event, state) }),
      countTimeout: assign({ timeouts: ({ context }, { state }: StateParams) => timeoutsAfter(context, state) }),
      recordHistory: assign({ history: ({ context, event }, { from, to }: EdgeParams) => [...context.history, historyEntry(context, event, from, to)] }),
    },
    actors: {
      automation: fromPromise<AutomationOutput, AutomationInput>(
        // Waits for an AUTOMATED_RESULT event unless an implementation is provided with machine.provide().
        () => new Promise<AutomationOutput>(() => undefined),
      ),
    },
  });
}

type JourneySetup = ReturnType<typeof journeySetup>;
type StateConfig = Parameters<JourneySetup['createStateConfig']>[0];

const forState = (state: string) => ({ type: 'eventForThisState', params: { state } }) as const;
const requested = (from: string, to: string) => ({ type: 'nextStateRequested', params: { from, to } }) as const;
const valid = (state: string) => ({ type: 'fieldsValid', params: { state } }) as const;
const routed = (from: string, to: string) => ({ type: 'routeAllowed', params: { from, to } }) as const;
const recorded = (from: string, to: string) => ({ type: 'recordHistory', params: { from, to } }) as const;

// A submission moves to the first next state it requests whose condition holds, once its data is valid.
function submitEdges(s: CompiledState) {
  return s.nextStates.map((to) => ({
    target: to,
    reenter: to === s.name,
    guard: and([forState(s.name), requested(s.name, to), valid(s.name), ...(s.guards.has(to) ? [routed(s.name, to)] : [])]),
    actions: [{ type: 'mergeData' } as const, recorded(s.name, to)],
  }));
}

// An automated result moves to the first next state it requests whose condition holds on the result.
function resultEdges(s: CompiledState) {
  return s.nextStates.map((to) => ({
    target: to,
    reenter: to === s.name,
    guard: and([forState(s.name), requested(s.name, to), ...(s.guards.has(to) ? [routed(s.name, to)] : [])]),
    actions: [{ type: 'storeResult', params: { state: s.name } } as const, recorded(s.name, to)],
  }));
}

// An operator moves to the named next state, or amends data in place, skipping conditions but not data checks.
function operatorEdges(s: CompiledState) {
  const moves = s.nextStates.filter((to) => to !== s.name).map((to) => ({
    target: to,
    guard: and([forState(s.name), requested(s.name, to), valid(s.name)]),
    actions: [{ type: 'mergeData' } as const, recorded(s.name, to)],
  }));
  const stays = [{ type: 'amendmentGiven' } as const, ...(s.nextStates.includes(s.name) ? [requested(s.name, s.name)] : [])];
  return [...moves, { guard: and([forState(s.name), or(stays), valid(s.name)]), actions: [{ type: 'mergeData' } as const, recorded(s.name, s.name)] }];
}

function stateNode(s: CompiledState): StateConfig {
  const meta: JourneyStateMeta = { automated: s.automated, final: s.final, timeoutMs: s.timeoutMs, requiredFields: s.requiredFields };
  const tags = [...(s.automated ? ['automated'] : []), ...(s.timeoutMs !== null ? ['timed'] : []), ...(s.final ? ['final'] : [])];
  if (s.final) return { type: 'final', meta, tags, ...(s.description ? { description: s.description } : {}) };
  const retry = s.onTimeout ?? s.name;
  const on: StateConfig['on'] = {
    TIMEOUT:
      s.timeoutMs === null
        ? []
        : [{ target: retry, reenter: retry === s.name, guard: forState(s.name), actions: [{ type: 'countTimeout', params: { state: s.name } } as const, recorded(s.name, retry)] }],
    OPERATOR: operatorEdges(s),
    ...(s.automated ? { AUTOMATED_RESULT: resultEdges(s) } : { SUBMIT: submitEdges(s) }),
  };
  return {
    meta,
    tags,
    ...(s.description ? { description: s.description } : {}),
    on,
    ...(s.automated
      ? {
          invoke: {
            src: 'automation' as const,
            input: ({ context }: { context: JourneyContext }): AutomationInput => ({ state: s.name, data: context.data, results: context.results }),
            onDone: {
              actions: raise(({ event }) => ({
                type: 'AUTOMATED_RESULT' as const,
                state: s.name,
                result: event.output.result ?? {},
                ...(event.output.next !== undefined ? { next: event.output.next } : {}),
              })),
            },
            // A failed automation leaves the journey where it is: its timeout or an operator moves it on.
            onError: {},
          },
        }
      : {}),
  };
}

/** Build the XState machine of a compiled journey. */
export function buildJourneyMachine(model: CompiledJourney) {
  const states: Record<string, StateConfig> = {};
  for (const s of model.states.values()) states[s.name] = stateNode(s);
  return journeySetup(model).createMachine({
    id: model.journeyType,
    version: model.version,
    context: ({ input }) => initialContext(input),
    initial: model.initial,
    states,
  });
}

/** The XState machine type of a journey. */
export type JourneyMachine = ReturnType<typeof buildJourneyMachine>;

/** Lint a journey config and build its XState v5 machine; invalid configs throw `JourneyConfigError`. */
export function createJourneyMachine(config: unknown, implementations: JourneyImplementations = {}): JourneyMachine {
  return buildJourneyMachine(compileJourney(parseJourneyConfig(config, implementations), implementations));
}
