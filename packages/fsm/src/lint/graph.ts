import type { JourneyConfig, JourneyStateConfig } from '../config/journey-schema.ts';
import { finding } from './finding.ts';
import type { LintFinding } from './finding.ts';

/** The states a state can move to (valid next states and its timeout target). */
export function exitsOf(state: JourneyStateConfig): string[] {
  const exits = [...state.valid_next_states];
  if (state.on_timeout !== undefined && !exits.includes(state.on_timeout)) exits.push(state.on_timeout);
  return exits;
}

/** Name the state a journey starts in. */
export function initialStateOf(config: JourneyConfig): string {
  return config.initial_state ?? config.states[0]?.state_name ?? '';
}

function closure(start: readonly string[], next: (name: string) => readonly string[]): Set<string> {
  const seen = new Set(start);
  const queue = [...start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const target of next(name)) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

/** Check the state graph: a final state exists, every state is reachable and can still finish. */
export function checkStateGraph(config: JourneyConfig, index: ReadonlyMap<string, number>): LintFinding[] {
  const out: LintFinding[] = [];
  const byName = new Map(config.states.map((s) => [s.state_name, s] as const));
  const finals = config.states.filter((s) => s.final_state).map((s) => s.state_name);
  if (finals.length === 0) {
    out.push(
      finding(
        'no_final_state',
        ['states'],
        'No state is marked final_state: the journey can never finish.',
        'Mark the end state(s), e.g. "completed", with "final_state": true.',
      ),
    );
  }
  const initial = initialStateOf(config);
  if (!byName.has(initial)) return out;
  const forward = closure([initial], (n) => {
    const state = byName.get(n);
    return state ? exitsOf(state).filter((t) => byName.has(t)) : [];
  });
  const reverse = new Map<string, string[]>();
  for (const s of config.states) {
    for (const t of exitsOf(s)) reverse.set(t, [...(reverse.get(t) ?? []), s.state_name]);
  }
  const canFinish = closure(finals, (n) => reverse.get(n) ?? []);
  config.states.forEach((s, i) => {
    if (index.get(s.state_name) !== i) return;
    if (!forward.has(s.state_name)) {
      out.push(
        finding(
          'unreachable_state',
          ['states', i, 'state_name'],
          `State "${s.state_name}" cannot be reached from the initial state "${initial}".`,
          `Add "${s.state_name}" to the valid_next_states of a state that leads to it, or remove it.`,
        ),
      );
    } else if (finals.length > 0 && !s.final_state && s.valid_next_states.length > 0 && !canFinish.has(s.state_name)) {
      out.push(
        finding(
          'no_path_to_final',
          ['states', i, 'valid_next_states'],
          `No path leads from state "${s.state_name}" to a final state: journeys reaching it loop or get stuck.`,
          'Give the states it leads to a way out towards a final state.',
        ),
      );
    }
  });
  return out;
}
