import { assign, fromPromise, raise, setup } from 'xstate';
import type { JsonObject } from '../json.ts';
import type { JourneyImplementations } from '../lint/lint-journey.ts';
import { parseJourneyConfig } from '../lint/lint-journey.ts';
import { initialContext } from './context.ts';
import type { JourneyContext, JourneyInput } from './context.ts';
import type { JourneyEvent } from './events.ts';
import { compileJourney } from './model.ts';
import type { CompiledJourney, CompiledState } from './model.ts';
import { planEvent } from './plan.ts';

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

/** Parameters of the machine's single guard and action: the transition they belong to. */
interface Edge {
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

/** Build the XState setup shared by every journey: one guard and one action, both backed by `planEvent`. */
function journeySetup(model: CompiledJourney) {
  return setup({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion is how XState infers the machine's types
    types: {} as JourneyTypes,
    guards: {
      allowed: ({ context, event }, edge: Edge) => {
        const plan = planEvent(model, edge.from, context, event);
        return plan.ok && plan.to === edge.to;
      },
    },
    actions: {
      apply: assign(({ context, event }, edge: Edge) => {
        const plan = planEvent(model, edge.from, context, event);
        return plan.ok ? plan.context : context;
      }),
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

function edges(from: string, targets: readonly string[]) {
  return targets.map((to) => ({
    target: to,
    reenter: to === from,
    guard: { type: 'allowed' as const, params: { from, to } },
    actions: [{ type: 'apply' as const, params: { from, to } }],
  }));
}

function stateNode(s: CompiledState): StateConfig {
  const meta: JourneyStateMeta = { automated: s.automated, final: s.final, timeoutMs: s.timeoutMs, requiredFields: s.requiredFields };
  const tags = [...(s.automated ? ['automated'] : []), ...(s.timeoutMs !== null ? ['timed'] : []), ...(s.final ? ['final'] : [])];
  if (s.final) return { type: 'final', meta, tags, ...(s.description ? { description: s.description } : {}) };
  const on: StateConfig['on'] = {
    TIMEOUT: s.timeoutMs === null ? [] : edges(s.name, [s.onTimeout ?? s.name]),
    OPERATOR: [
      ...edges(s.name, s.nextStates.filter((t) => t !== s.name)),
      {
        guard: { type: 'allowed' as const, params: { from: s.name, to: s.name } },
        actions: [{ type: 'apply' as const, params: { from: s.name, to: s.name } }],
      },
    ],
    [s.automated ? 'AUTOMATED_RESULT' : 'SUBMIT']: edges(s.name, s.nextStates),
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
