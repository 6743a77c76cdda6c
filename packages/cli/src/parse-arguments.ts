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
