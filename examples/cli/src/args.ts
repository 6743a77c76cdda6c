import { parseArgs } from 'node:util';
import type { ParseArgsOptionsConfig } from 'node:util';

type Options<T extends ParseArgsOptionsConfig> = T & { readonly help: { readonly type: 'boolean'; readonly short: 'h' } };

/** The values of a runner's options, typed by their `parseArgs` descriptors. */
export type OptionValues<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: Options<T>; strict: true; allowPositionals: false }>>['values'];

/** Stop the runner with the usage line and exit code 2. */
export function usageError(usage: string, problem: string): never {
  process.stderr.write(`${problem}\n${usage}\n`);
  process.exit(2);
}

/**
 * Parse a runner's `--name value` and `--flag` options with `node:util` `parseArgs` (strict: unknown
 * options and stray arguments are refused); on a usage error print it with the usage line and exit 2,
 * on `--help` print the usage line and exit 0.
 */
export function parseOptions<T extends ParseArgsOptionsConfig>(usage: string, options: T, argv: readonly string[] = process.argv.slice(2)): OptionValues<T> {
  // `pnpm run <script> -- --flag` hands the `--` on to the script.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const config = { args, options: { ...options, help: { type: 'boolean', short: 'h' } } as Options<T>, strict: true, allowPositionals: false } as const;
  let values: OptionValues<T>;
  try {
    ({ values } = parseArgs(config));
  } catch (error) {
    if (error instanceof TypeError && String((error as TypeError & { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) usageError(usage, error.message.split('\n')[0] ?? error.message);
    throw error;
  }
  if ((values as { readonly help?: unknown }).help === true) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}

/** Read a number option: its default when absent, a usage error unless it is a positive number. */
export function numberOption(usage: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) usageError(usage, `--${name} must be a positive number, not ${JSON.stringify(value)}`);
  return n;
}
