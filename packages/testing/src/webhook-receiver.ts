import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '@metis/activities/notify';
import { readBody, sendJson, startLoopbackServer } from './http-server.ts';

/** One webhook request as the receiver saw it. */
export interface ReceivedWebhook {
  readonly deliveryId: string;
  readonly signatureValid: boolean;
  readonly body: { readonly id: string; readonly event: string; readonly template: string; readonly tenantId: string; readonly data: Record<string, unknown> };
}

/** A tenant's webhook endpoint for tests: verifies signatures and records every request. */
export interface WebhookReceiver {
  readonly url: string;
  readonly secret: string;
  /** Every request received, retries included. */
  received(): ReceivedWebhook[];
  /** Answer the next N requests with 500 (to exercise retries). */
  failNext(n: number): void;
  close(): Promise<void>;
}

/** Start a webhook receiver on loopback. */
export async function startWebhookReceiver(options: { secret?: string } = {}): Promise<WebhookReceiver> {
  const secret = options.secret ?? 'webhook-test-secret';
  const received: ReceivedWebhook[] = [];
  let failures = 0;
  const server = await startLoopbackServer(async (req, res) => {
    const body = await readBody(req);
    const signature = req.headers[SIGNATURE_HEADER];
    const deliveryId = req.headers[DELIVERY_HEADER];
    received.push({
      deliveryId: typeof deliveryId === 'string' ? deliveryId : '',
      signatureValid: verifyWebhookSignature(secret, typeof signature === 'string' ? signature : undefined, body),
      body: JSON.parse(body) as ReceivedWebhook['body'],
    });
    if (failures > 0) {
      failures -= 1;
      return sendJson(res, 500, { error: 'receiver failed' });
    }
    return sendJson(res, 200, { ok: true });
  });
  return {
    url: server.url,
    secret,
    received: () => [...received],
    failNext(n) {
      failures = n;
    },
    close: () => server.close(),
  };
}
