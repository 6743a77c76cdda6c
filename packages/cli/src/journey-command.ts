import type { ParseArgsOptionsConfig } from 'node:util';
import { JourneyConfigError, lintJourneyConfig, lintRuleSet, toMermaid } from '@metis/fsm';
import type { LintFinding } from '@metis/fsm';
import { parseArguments } from './parse-arguments.ts';

/** What the command needs from its host: reading files and writing lines. */
export interface JourneyCommandIo {
  readFile(path: string): Promise<string>;
  stdout(line: string): void;
  stderr(line: string): void;
}

const USAGE = `usage: metis journey <command> FILE [options]

  lint FILE    check a journey config (or a decision rule set); exit 1 with every finding
               --rule NAME    treat NAME as a registered validation rule (repeatable)
               --guard NAME   treat NAME as a registered guard (repeatable)
               --json         print the findings as JSON
  draw FILE    print a journey config as a Mermaid state diagram
               --direction LR|TB   layout direction
               --force        draw even when the linter reports errors
  --help, -h   print this help

exit codes: 0 clean, 1 findings or invalid document, 2 usage error or unreadable file`;

interface Parsed {
  command: 'lint' | 'draw';
  file: string;
  rules: string[];
  guards: string[];
  json: boolean;
  force: boolean;
  direction: 'LR' | 'TB' | undefined;
}

const OPTIONS = {
  rule: { type: 'string', multiple: true, default: [] },
  guard: { type: 'string', multiple: true, default: [] },
  json: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  direction: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsOptionsConfig;

type Outcome = { readonly kind: 'run'; readonly parsed: Parsed } | { readonly kind: 'help' } | { readonly kind: 'usage'; readonly message: string };

function parse(args: readonly string[]): Outcome {
  const rest = args[0] === 'journey' ? args.slice(1) : args;
  const result = parseArguments({ args: rest, options: OPTIONS, strict: true, allowPositionals: true });
  if (!result.ok) {
    const named = rest[0] === 'lint' || rest[0] === 'draw' ? ` ${rest[0]}` : '';
    return { kind: 'usage', message: `metis journey${named}: ${result.problem}\n${USAGE}` };
  }
  const { values, positionals } = result.parsed;
  if (values.help) return { kind: 'help' };
  const [command = '', file, ...extra] = positionals;
  if (command !== 'lint' && command !== 'draw') {
    return { kind: 'usage', message: command === '' || command === 'help' ? USAGE : `metis journey: unknown command "${command}"\n${USAGE}` };
  }
  const problems: string[] = [];
  if (file === undefined) problems.push('missing FILE');
  for (const arg of extra) problems.push(`unexpected argument ${arg}`);
  const { direction } = values;
  if (direction !== undefined && direction !== 'LR' && direction !== 'TB') problems.push(`--direction must be LR or TB, not ${direction}`);
  if (problems.length > 0 || file === undefined) return { kind: 'usage', message: `metis journey ${command}: ${problems.join('; ')}\n${USAGE}` };
  return {
    kind: 'run',
    parsed: { command, file, rules: values.rule, guards: values.guard, json: values.json, force: values.force, direction: direction === 'LR' || direction === 'TB' ? direction : undefined },
  };
}

function formatFinding(file: string, f: LintFinding): string[] {
  return [`${file}: ${f.severity} ${f.path} [${f.code}] ${f.message}`, `    fix: ${f.hint}`];
}

function summary(findings: readonly LintFinding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** Report whether a document looks like a decision rule set rather than a journey config. */
function isRuleSet(document: unknown): boolean {
  return typeof document === 'object' && document !== null && !Array.isArray(document) && 'rules' in document && !('states' in document);
}

async function load(file: string, io: JourneyCommandIo): Promise<{ ok: true; document: unknown } | { ok: false; code: number }> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    io.stderr(`metis journey: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, code: 2 };
  }
  try {
    return { ok: true, document: JSON.parse(text) as unknown };
  } catch (error) {
    io.stdout(`${file}: error $ [invalid_json] ${error instanceof Error ? error.message : String(error)}`);
    io.stdout('    fix: Make the file valid JSON (a journey config is a JSON object).');
    return { ok: false, code: 1 };
  }
}

function lint(file: string, document: unknown, p: Parsed, io: JourneyCommandIo): number {
  let valid: boolean;
  let findings: LintFinding[];
  let what: string;
  if (isRuleSet(document)) {
    const result = lintRuleSet(document);
    ({ findings } = result);
    valid = result.ok;
    what = result.ok ? `rule set ${result.ruleSet.tenant_id} ${result.ruleSet.version}, ${result.ruleSet.rules.length} rules` : 'rule set';
  } else {
    const result = lintJourneyConfig(document, { assumeRules: p.rules, assumeGuards: p.guards });
    ({ findings } = result);
    valid = result.ok;
    what = result.ok ? `${result.config.journey_type} journey ${result.config.version}, ${result.config.states.length} states` : 'journey config';
  }
  if (p.json) {
    io.stdout(JSON.stringify({ file, kind: isRuleSet(document) ? 'rule-set' : 'journey', valid, findings }, null, 2));
    return valid ? 0 : 1;
  }
  for (const f of findings) for (const line of formatFinding(file, f)) io.stdout(line);
  if (!valid) {
    io.stdout(`${file}: invalid ${what} (${summary(findings)})`);
    return 1;
  }
  io.stdout(`${file}: valid ${what}${findings.length > 0 ? ` (${summary(findings)})` : ''}`);
  return 0;
}

function draw(file: string, document: unknown, p: Parsed, io: JourneyCommandIo): number {
  const result = lintJourneyConfig(document, { assumeRules: p.rules, assumeGuards: p.guards });
  for (const f of result.findings) for (const line of formatFinding(file, f)) io.stderr(line);
  if (!result.ok && !p.force) {
    io.stderr(`${file}: not drawn: ${summary(result.findings)} (use --force to draw a structurally sound config anyway)`);
    return 1;
  }
  let diagram: string;
  try {
    diagram = toMermaid(document, p.direction ? { direction: p.direction } : {});
  } catch (error) {
    if (!(error instanceof JourneyConfigError)) throw error;
    io.stderr(`${file}: not drawn: the document is not a journey config`);
    return 1;
  }
  for (const line of diagram.trimEnd().split('\n')) io.stdout(line);
  return result.ok ? 0 : 1;
}

/** Run `metis journey <lint|draw> FILE`; return the exit code. */
export async function runJourneyCommand(args: string[], io: JourneyCommandIo): Promise<number> {
  const outcome = parse(args);
  if (outcome.kind === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (outcome.kind === 'usage') {
    io.stderr(outcome.message);
    return 2;
  }
  const p = outcome.parsed;
  const loaded = await load(p.file, io);
  if (!loaded.ok) return loaded.code;
  return p.command === 'lint' ? lint(p.file, loaded.document, p, io) : draw(p.file, loaded.document, p, io);
}
