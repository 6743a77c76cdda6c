import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

/** The outcome of parsing a command's arguments: what `parseArgs` returned, or the usage problem in one line. */
export type ParsedArguments<T extends ParseArgsConfig> = { readonly ok: true; readonly parsed: ReturnType<typeof parseArgs<T>> } | { readonly ok: false; readonly problem: string };

const isParseArgsError = (error: unknown): error is TypeError => {
  const code: unknown = error instanceof TypeError ? (error as TypeError & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
};

/** Parse arguments with `node:util` `parseArgs` in strict mode, returning its usage errors (unknown option, missing value, extra argument) instead of throwing them. */
export function parseArguments<T extends ParseArgsConfig & { readonly strict: true }>(config: T): ParsedArguments<T> {
  try {
    return { ok: true, parsed: parseArgs(config) };
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    // Node's advice on passing a positional that starts with a dash does not apply to these commands.
    return { ok: false, problem: error.message.replace(/\.? To specify a positional argument starting with a '-'.*$/s, '').replace(/\s*\n\s*/g, ' ') };
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options of a subcommand as parsed, or the exit code to return at once (help printed: 0; usage error printed: 2). */
export type ParsedSubcommand<O extends Options> =
  | { readonly ok: true; readonly command: string; readonly values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'] }
  | { readonly ok: false; readonly exitCode: number };

/**
 * Parse `metis <group> <command> [options]`: the command must be one of `accepts`, its options those
 * it accepts; `--help` prints the usage. Usage errors are printed with the usage, as `metis <group> <command>: <problem>`.
 */
export function parseSubcommand<O extends Options>(
  group: string,
  args: readonly string[],
  spec: { readonly options: O; readonly accepts: Readonly<Record<string, readonly string[]>>; readonly usage: string },
  io: { stdout(line: string): void; stderr(line: string): void },
): ParsedSubcommand<O> {
  const [command = '', ...rest] = args;
  const usage = (problem: string): ParsedSubcommand<O> => {
    io.stderr(`metis ${group}${command && Object.hasOwn(spec.accepts, command) ? ` ${command}` : ''}: ${problem}`);
    io.stderr(spec.usage);
    return { ok: false, exitCode: 2 };
  };
  if (command === '--help' || command === '-h') {
    io.stdout(spec.usage);
    return { ok: false, exitCode: 0 };
  }
  const accepts = spec.accepts[command];
  if (!accepts) return usage(command ? `unknown command "${command}"` : 'missing command');
  const result = parseArguments({ args: rest, options: spec.options, strict: true, allowPositionals: false });
  if (!result.ok) return usage(result.problem);
  const values = result.parsed.values;
  if ((values as Record<string, unknown>)['help'] === true) {
    io.stdout(spec.usage);
    return { ok: false, exitCode: 0 };
  }
  const extra = Object.entries(values).find(([name, value]) => name !== 'help' && value !== undefined && value !== false && !accepts.includes(name));
  if (extra) return usage(`option --${extra[0]} does not apply`);
  return { ok: true, command, values };
}
