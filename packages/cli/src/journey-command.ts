import { JourneyConfigError, lintJourneyConfig, lintRuleSet, toMermaid } from '@metis/fsm';
import type { LintFinding } from '@metis/fsm';

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

exit codes: 0 clean, 1 findings or invalid document, 2 usage error or unreadable file`;

interface Parsed {
  command: string;
  file: string | undefined;
  rules: string[];
  guards: string[];
  json: boolean;
  force: boolean;
  direction: 'LR' | 'TB' | undefined;
  problems: string[];
}

function parse(args: readonly string[]): Parsed {
  const rest = args[0] === 'journey' ? args.slice(1) : [...args];
  const out: Parsed = { command: rest[0] ?? '', file: undefined, rules: [], guards: [], json: false, force: false, direction: undefined, problems: [] };
  for (let i = 1; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    const value = (): string | undefined => {
      const v = rest[i + 1];
      if (v === undefined || v.startsWith('--')) {
        out.problems.push(`${arg} needs a value`);
        return undefined;
      }
      i++;
      return v;
    };
    if (arg === '--json') out.json = true;
    else if (arg === '--force') out.force = true;
    else if (arg === '--rule') pushDefined(out.rules, value());
    else if (arg === '--guard') pushDefined(out.guards, value());
    else if (arg === '--direction') {
      const v = value();
      if (v === 'LR' || v === 'TB') out.direction = v;
      else if (v !== undefined) out.problems.push(`--direction must be LR or TB, not ${v}`);
    } else if (arg.startsWith('--')) out.problems.push(`unknown option ${arg}`);
    else if (out.file === undefined) out.file = arg;
    else out.problems.push(`unexpected argument ${arg}`);
  }
  if (out.file === undefined) out.problems.push('missing FILE');
  return out;
}

function pushDefined(list: string[], value: string | undefined): void {
  if (value !== undefined) list.push(value);
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
  const p = parse(args);
  if (p.command !== 'lint' && p.command !== 'draw') {
    io.stderr(p.command === '' || p.command === 'help' || p.command === '--help' ? USAGE : `metis journey: unknown command "${p.command}"\n${USAGE}`);
    return 2;
  }
  if (p.problems.length > 0 || p.file === undefined) {
    io.stderr(`metis journey ${p.command}: ${p.problems.join('; ')}\n${USAGE}`);
    return 2;
  }
  const loaded = await load(p.file, io);
  if (!loaded.ok) return loaded.code;
  return p.command === 'lint' ? lint(p.file, loaded.document, p, io) : draw(p.file, loaded.document, p, io);
}
