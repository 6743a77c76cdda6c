import { describeCondition } from '../conditions/evaluate.ts';
import type { GuardRef, JourneyConfig } from '../config/journey-schema.ts';
import { journeyConfigSchema } from '../config/journey-schema.ts';
import { JourneyConfigError } from '../errors.ts';
import { initialStateOf } from '../lint/graph.ts';
import { issuesToFindings } from '../lint/zod-issues.ts';

/** Options for `toMermaid`. */
export interface MermaidOptions {
  /** Layout direction (default top to bottom). */
  direction?: 'TB' | 'LR';
}

function guardLabel(ref: GuardRef): string {
  if (typeof ref === 'string') return ref;
  if ('when' in ref) return describeCondition(ref.when);
  return ref.guard;
}

function escape(text: string): string {
  return text.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Render a journey config as a Mermaid state diagram: automated states, timed states and final
 * states carry their own style classes and notes, timeout transitions are labelled.
 */
export function toMermaid(input: unknown, options: MermaidOptions = {}): string {
  const parsed = journeyConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new JourneyConfigError(issuesToFindings(parsed.error.issues, () => undefined));
  const config: JourneyConfig = parsed.data;
  const lines = ['stateDiagram-v2'];
  if (options.direction) lines.push(`  direction ${options.direction}`);
  lines.push(`  %% ${config.journey_type} journey, version ${config.version}`);
  for (const s of config.states) {
    const marks = [s.automated ? '⚙ automated' : null, s.timeout !== undefined ? `⏱ ${s.timeout}` : null, s.final_state ? '■ final' : null].filter(
      (m): m is string => m !== null,
    );
    lines.push(`  state "${s.state_name}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}" as ${s.state_name}`);
  }
  lines.push(`  [*] --> ${initialStateOf(config)}`);
  for (const s of config.states) {
    for (const target of s.valid_next_states) {
      const guard = s.guards?.[target];
      const labels = [guard !== undefined ? `if ${escape(guardLabel(guard))}` : null, s.on_timeout === target ? `timeout ${s.timeout ?? ''}`.trim() : null].filter(
        (l): l is string => l !== null,
      );
      lines.push(`  ${s.state_name} --> ${target}${labels.length > 0 ? ` : ${labels.join(' / ')}` : ''}`);
    }
    if (s.timeout !== undefined && s.on_timeout === undefined && !s.final_state) lines.push(`  ${s.state_name} --> ${s.state_name} : timeout ${s.timeout} (retry)`);
    if (s.on_timeout !== undefined && !s.valid_next_states.includes(s.on_timeout)) lines.push(`  ${s.state_name} --> ${s.on_timeout} : timeout ${s.timeout ?? ''}`.trimEnd());
    if (s.final_state) lines.push(`  ${s.state_name} --> [*]`);
  }
  const group = (pick: (s: JourneyConfig['states'][number]) => boolean): string[] => config.states.filter(pick).map((s) => s.state_name);
  const classes: [string, string, string[]][] = [
    ['automated', 'fill:#e1f5fe,stroke:#0288d1', group((s) => s.automated)],
    ['timed', 'stroke-dasharray:5 5,stroke-width:2px', group((s) => s.timeout !== undefined && !s.automated)],
    ['final', 'fill:#e8f5e9,stroke:#2e7d32,stroke-width:3px', group((s) => s.final_state)],
  ];
  for (const [name, style, members] of classes) {
    if (members.length === 0) continue;
    lines.push(`  classDef ${name} ${style}`);
    lines.push(`  class ${members.join(',')} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}
