import { BureauConfigError, BureauProviderError, MalformedBureauResponseError } from './errors.ts';
import type { BureauFailureKind } from './errors.ts';
import { BUREAU_FORMATS } from './formats/index.ts';
import type { BureauFormatName } from './formats/index.ts';
import type { BureauFormat } from './formats/format.ts';
import { ResponseReader } from './response-reader.ts';
import type { BureauApplicant, BureauProvider, BureauPullOptions, CreditReport } from './types.ts';

/** How a provider authenticates Metis. */
export type BureauAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'api-key'; readonly header: string; readonly key: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string };

/** Configuration of one HTTP bureau provider. */
export interface HttpBureauProviderConfig {
  /** Provider name, lower-case letters, digits, `-` or `_` (`a`, `cibil`). */
  readonly name: string;
  /** Base URL; the format's path is appended. */
  readonly baseUrl: string;
  /** Request/response mapping: a built-in format name or a custom format. */
  readonly format: BureauFormatName | BureauFormat;
  /** Credentials; none by default. */
  readonly auth?: BureauAuth;
  /** How long one pull may take, including reading the body, in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Largest body accepted, in bytes (default 2 MiB). */
  readonly maxBodyBytes?: number;
}

/** Default limits of an HTTP provider. */
export const HTTP_BUREAU_DEFAULTS = { timeoutMs: 5000, maxBodyBytes: 2 * 1024 * 1024 } as const;

const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

/** Throw `BureauConfigError` unless the name can label events and metrics. */
export function assertProviderName(name: string): void {
  if (!PROVIDER_NAME.test(name)) {
    throw new BureauConfigError(`bureau provider name ${JSON.stringify(name)} must be 1-40 lower-case letters, digits, "-" or "_", starting with a letter`);
  }
}

function authHeaders(auth: BureauAuth | undefined): Record<string, string> {
  switch (auth?.kind) {
    case undefined:
    case 'none':
      return {};
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'api-key':
      return { [auth.header.toLowerCase()]: auth.key };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  }
}

function kindOfStatus(status: number): BureauFailureKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server_error';
  return 'rejected';
}

/** Name of the low-level network error behind a failed fetch, if any. */
function networkCode(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = e.cause;
  }
  return error instanceof Error ? error.message : 'unknown error';
}

async function readBody(response: Response, limit: number, provider: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel();
    throw new MalformedBureauResponseError(provider, [`(body): larger than ${limit} bytes`], { status: response.status });
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body.cancel().catch(() => undefined);
      throw new MalformedBureauResponseError(provider, [`(body): larger than ${limit} bytes`], { status: response.status });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Create a bureau provider that pulls reports over HTTP with Node's fetch. */
export function createHttpBureauProvider(config: HttpBureauProviderConfig): BureauProvider {
  assertProviderName(config.name);
  const format = typeof config.format === 'string' ? BUREAU_FORMATS[config.format] : config.format;
  if (!format) throw new BureauConfigError(`bureau provider ${config.name}: unknown format ${JSON.stringify(config.format)}`);
  let url: URL;
  try {
    url = new URL(config.baseUrl.replace(/\/+$/, '') + format.path);
  } catch (error) {
    throw new BureauConfigError(`bureau provider ${config.name}: base URL ${JSON.stringify(config.baseUrl)} is not a URL (${(error as Error).message})`);
  }
  const timeoutMs = config.timeoutMs ?? HTTP_BUREAU_DEFAULTS.timeoutMs;
  if (!(timeoutMs > 0)) throw new BureauConfigError(`bureau provider ${config.name}: timeoutMs must be positive`);
  const maxBodyBytes = config.maxBodyBytes ?? HTTP_BUREAU_DEFAULTS.maxBodyBytes;
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...config.headers, ...authHeaders(config.auth) };
  const name = config.name;

  async function pull(applicant: BureauApplicant, options: BureauPullOptions = {}): Promise<CreditReport> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const failed = (error: unknown): BureauProviderError => {
      if (error instanceof BureauProviderError) return error;
      if (options.signal?.aborted) return new BureauProviderError(name, 'cancelled', 'pull cancelled', { cause: error });
      if (timeout.aborted) return new BureauProviderError(name, 'timeout', `no complete answer within ${timeoutMs} ms`, { cause: error });
      return new BureauProviderError(name, 'connection', `request failed: ${networkCode(error)}`, { cause: error });
    };
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(format.requestBody(applicant)), signal, redirect: 'error' });
    } catch (error) {
      throw failed(error);
    }
    let text: string;
    try {
      text = await readBody(response, maxBodyBytes, name);
    } catch (error) {
      throw failed(error);
    }
    if (!response.ok) {
      const retryAfter = response.headers.get('retry-after');
      const detail = retryAfter ? `, retry after ${retryAfter.slice(0, 40)}` : '';
      throw new BureauProviderError(name, kindOfStatus(response.status), `answered HTTP ${response.status}${detail}`, { status: response.status });
    }
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      throw new MalformedBureauResponseError(name, ['(body): not JSON'], { status: response.status });
    }
    const reader = new ResponseReader(name);
    const mapped = format.parse(body, reader, applicant);
    return reader.done({ provider: name, ...mapped }, response.status);
  }

  return { name, timeoutMs, pull };
}
