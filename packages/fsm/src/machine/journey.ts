import { initialTransition, transition } from 'xstate';
import type { JourneyConfig } from '../config/journey-schema.ts';
import { JourneySnapshotError, JourneyStepError } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import type { JourneyImplementations } from '../lint/lint-journey.ts';
import { parseJourneyConfig } from '../lint/lint-journey.ts';
import { journeyInputSchema, PERSISTED_FORMAT, persistedJourneySchema } from './context.ts';
import type { JourneyInput, PersistedJourney } from './context.ts';
import { buildJourneyMachine } from './create-machine.ts';
import type { JourneyMachine } from './create-machine.ts';
import { journeyEventSchema } from './events.ts';
import type { JourneyEventInput, JourneyEventType } from './events.ts';
import { compileJourney } from './model.ts';
import type { CompiledState, StateAutomation } from './model.ts';
import { explainRejection } from './step-checks.ts';
import { missingFields } from './validate-data.ts';

/** Static facts about one state, e.g. for the workflow to start activities and timers. */
export interface JourneyStateInfo {
  name: string;
  description: string | null;
  automated: boolean;
  /** The automation an automated state names (`metis.verify_documents`, …), or `null` for the worker's `{journey_type}.{state}` one. */
  automation: StateAutomation | null;
  final: boolean;
  /** The configured timeout string, e.g. `5m`. */
  timeout: string | null;
  /** The timeout in milliseconds, or `null` when the state has none. */
  timeoutMs: number | null;
  /** Where a timeout leads; `null` means the state is retried (re-entered). */
  onTimeout: string | null;
  requiredFields: string[];
  nextStates: string[];
  validationRules: string[];
  /** Event types the state accepts. */
  accepts: JourneyEventType[];
}

/** Where a journey stands: the answer to a workflow query. */
export interface JourneyDescription extends JourneyStateInfo {
  journeyType: string;
  version: string;
  state: string;
  status: 'active' | 'done';
  /** Required fields of the current state that the journey data does not yet hold. */
  missingFields: string[];
  /** How many times the current state has timed out. */
  timeoutCount: number;
  /** Number of transitions so far. */
  steps: number;
}

/** A step that was accepted. */
export interface StepSuccess {
  ok: true;
  snapshot: PersistedJourney;
  from: string;
  to: string;
  event: JourneyEventType;
  /** Whether the journey reached a final state. */
  final: boolean;
}

/** A step that was rejected; the snapshot is unchanged. */
export interface StepFailure {
  ok: false;
  errors: FieldError[];
}

/** The result of `journey.step`. */
export type StepResult = StepSuccess | StepFailure;

/** A journey's pure, deterministic API over plain-JSON snapshots (safe in workflow code and Update validators). */
export interface Journey {
  readonly journeyType: string;
  readonly version: string;
  /** The validated config with defaults filled in. */
  readonly config: JourneyConfig;
  /** The XState v5 machine (for actors, inspection and tooling). */
  readonly machine: JourneyMachine;
  /** The state journeys start in. */
  readonly initialState: string;
  /** Static facts about every state, in config order. */
  readonly states: readonly JourneyStateInfo[];
  /** Look up one state's static facts; throws for an unknown state. */
  stateInfo(name: string): JourneyStateInfo;
  /** Start a journey: the initial persisted snapshot (bad input throws `JourneyStepError`). */
  initial(input?: JourneyInput): PersistedJourney;
  /** Apply an event: the next (frozen) snapshot, or field errors (the given snapshot is never modified). */
  step(snapshot: PersistedJourney, event: JourneyEventInput): StepResult;
  /** Apply an event or throw `JourneyStepError` (for Temporal Update validators). */
  assertStep(snapshot: PersistedJourney, event: JourneyEventInput): StepSuccess;
  /** Describe where a journey stands: state, automation, timeout, missing fields, next states. */
  describe(snapshot: PersistedJourney): JourneyDescription;
  /** Check a persisted snapshot's shape and that it belongs to this journey type and version. */
  validateSnapshot(snapshot: unknown): PersistedJourney;
}

/** Lint a journey config and build its pure transition API; invalid configs throw `JourneyConfigError`. */
export function createJourney(config: unknown, implementations: JourneyImplementations = {}): Journey {
  const model = compileJourney(parseJourneyConfig(config, implementations), implementations);
  const machine = buildJourneyMachine(model);
  const infos = [...model.states.values()].map(info);
  const byName = new Map(infos.map((i) => [i.name, i] as const));

  const stateInfo = (name: string): JourneyStateInfo => {
    const found = byName.get(name);
    if (!found) throw new JourneySnapshotError(`Journey ${model.journeyType}@${model.version} has no state "${name}".`);
    return found;
  };

  // Snapshots this journey made or already checked. They are frozen, so they cannot change
  // afterwards, and are not parsed again: a step no longer re-parses the whole history.
  const checked = new WeakSet<object>();
  const seal = (snapshot: PersistedJourney): PersistedJourney => {
    deepFreeze(snapshot);
    checked.add(snapshot);
    return snapshot;
  };

  const validateSnapshot = (snapshot: unknown): PersistedJourney => {
    if (typeof snapshot === 'object' && snapshot !== null && checked.has(snapshot)) return snapshot as PersistedJourney;
    const parsed = persistedJourneySchema.safeParse(snapshot);
    if (!parsed.success) throw new JourneySnapshotError(`Malformed journey snapshot: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    const s = parsed.data;
    if (s.journeyType !== model.journeyType || s.version !== model.version) {
      throw new JourneySnapshotError(`Snapshot belongs to ${s.journeyType}@${s.version}, not ${model.journeyType}@${model.version}: migrate it explicitly.`);
    }
    const state = stateInfo(s.state);
    if ((s.status === 'done') !== state.final) throw new JourneySnapshotError(`Snapshot status "${s.status}" contradicts state "${s.state}".`);
    return seal(s);
  };

  const persist = (value: unknown, context: PersistedJourney['context'], status: string): PersistedJourney => {
    if (typeof value !== 'string') throw new JourneySnapshotError('Journey machines are flat: the state value must be a string.');
    return seal({ format: PERSISTED_FORMAT, journeyType: model.journeyType, version: model.version, state: value, status: status === 'done' ? 'done' : 'active', context });
  };

  const step = (snapshot: PersistedJourney, rawEvent: JourneyEventInput): StepResult => {
    const current = validateSnapshot(snapshot);
    const parsedEvent = journeyEventSchema.safeParse(rawEvent);
    if (!parsedEvent.success) {
      return { ok: false, errors: invalidEventErrors(parsedEvent.error.issues) };
    }
    const event = parsedEvent.data;
    // The machine decides: its guards run the step's checks, its actions build the next context.
    // Every transition it takes records history, so an unchanged snapshot means none was enabled.
    const restored = machine.resolveState({ value: current.state, context: current.context });
    const [next] = transition(machine, restored, event);
    if (next === restored) {
      const errors = explainRejection(model, current.state, current.context, event);
      // Only a guard that answers differently for the same input (not pure) gets here.
      if (errors.length === 0) throw new Error(`No ${event.type} transition of "${current.state}" was enabled, yet none of its checks fails on a second look: is a guard impure?`);
      return { ok: false, errors };
    }
    const out = persist(next.value, next.context, next.status);
    return { ok: true, snapshot: out, from: current.state, to: out.state, event: event.type, final: out.status === 'done' };
  };

  return {
    journeyType: model.journeyType,
    version: model.version,
    config: model.config,
    machine,
    initialState: model.initial,
    states: infos,
    stateInfo,
    validateSnapshot,
    initial(input) {
      const parsed = journeyInputSchema.safeParse(input ?? {});
      if (!parsed.success) throw new JourneyStepError(invalidEventErrors(parsed.error.issues));
      const [snap] = initialTransition(machine, parsed.data);
      return persist(snap.value, snap.context, snap.status);
    },
    step,
    assertStep(snapshot, event) {
      const result = step(snapshot, event);
      if (!result.ok) throw new JourneyStepError(result.errors);
      return result;
    },
    describe(snapshot) {
      const s = validateSnapshot(snapshot);
      const state = model.states.get(s.state) as CompiledState;
      return {
        ...stateInfo(s.state),
        journeyType: model.journeyType,
        version: model.version,
        state: s.state,
        status: s.status,
        missingFields: missingFields(state, s.context.data),
        timeoutCount: s.context.timeouts[s.state] ?? 0,
        steps: s.context.history.length,
      };
    },
  };
}

// Turn schema issues of an event or a start input into `invalid_event` field errors.
function invalidEventErrors(issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): FieldError[] {
  return issues.map((i) => ({ code: 'invalid_event', field: i.path.map(String).join('.') || null, message: i.message }));
}

// Freeze a value and everything in it; frozen parts (shared with earlier snapshots) are skipped.
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

function info(s: CompiledState): JourneyStateInfo {
  const accepts: JourneyEventType[] = s.final ? [] : [s.automated ? 'AUTOMATED_RESULT' : 'SUBMIT', ...(s.timeoutMs !== null ? ['TIMEOUT' as const] : []), 'OPERATOR'];
  return {
    name: s.name,
    description: s.description,
    automated: s.automated,
    automation: s.automation,
    final: s.final,
    timeout: s.timeout,
    timeoutMs: s.timeoutMs,
    onTimeout: s.onTimeout,
    requiredFields: [...s.requiredFields],
    nextStates: [...s.nextStates],
    validationRules: s.rules.map((r) => r.name),
    accepts,
  };
}

