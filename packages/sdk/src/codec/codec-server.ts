import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';

/** Options of the codec server the Temporal Web UI calls to show decrypted payloads. */
export interface CodecServerOptions {
  readonly codec: PayloadCodec;
  /** Allow a request (e.g. check the `authorization` header of an authorised operator); deny by default. */
  readonly authorize: (req: IncomingMessage) => boolean | Promise<boolean>;
  /** Origin of the Web UI allowed by CORS (default `http://127.0.0.1:8233`). */
  readonly uiOrigin?: string;
  readonly host?: string;
  readonly port?: number;
}

/** A running codec server. */
export interface CodecServer {
  readonly url: string;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** Start a codec server (`POST /decode`, `POST /encode`, Temporal's remote codec protocol) for authorised operators. */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const origin = options.uiOrigin ?? 'http://127.0.0.1:8233';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
    res.setHeader('access-control-allow-headers', 'content-type, authorization, x-namespace');
    res.setHeader('access-control-allow-credentials', 'true');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method !== 'POST' || (req.url !== '/decode' && req.url !== '/encode')) return void res.writeHead(404).end();
    if (!(await options.authorize(req))) return void res.writeHead(403).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { payloads?: JsonPayload[] };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payloads?: JsonPayload[] };
    } catch {
      return void res.writeHead(400).end();
    }
    const payloads = (body.payloads ?? []).map(toPayload);
    const out = req.url === '/decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
