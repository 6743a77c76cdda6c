import { readBody, sendJson, startLoopbackServer } from './http-server.ts';

/** Faults a simulated payout system can be switched into at run time. */
export interface PaymentsFaults {
  /** Refuse every transfer with 422 (a permanent failure). */
  refuse?: boolean;
  /** Answer the next N transfer requests with 503. */
  failNext?: number;
}

/** A simulated payout system: `POST /transfers` and `POST /transfers/{id}/reverse`, idempotent by reference. */
export interface PaymentsSimulator {
  readonly url: string;
  /** The API key it expects as a bearer token. */
  readonly apiKey: string;
  /** Switch faults on or off. */
  setFaults(faults: PaymentsFaults): void;
  /** Transfers by reference, with their state. */
  transfers(): { reference: string; transferId: string; amount: number; reversed: boolean }[];
  /** How many transfer requests arrived (including refused and failed ones). */
  requests(): number;
  close(): Promise<void>;
}

/** Start a simulated payout system on loopback. */
export async function startPaymentsSimulator(options: { apiKey?: string } = {}): Promise<PaymentsSimulator> {
  const apiKey = options.apiKey ?? 'payments-test-key';
  let faults: PaymentsFaults = {};
  let requestCount = 0;
  const byReference = new Map<string, { reference: string; transferId: string; amount: number; reversed: boolean }>();
  const server = await startLoopbackServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return sendJson(res, 401, { error: 'unauthorised' });
    const body = await readBody(req);
    if (req.method === 'POST' && req.url === '/transfers') {
      requestCount += 1;
      if (faults.failNext && faults.failNext > 0) {
        faults = { ...faults, failNext: faults.failNext - 1 };
        return sendJson(res, 503, { error: 'temporarily unavailable' });
      }
      if (faults.refuse) return sendJson(res, 422, { error: 'beneficiary account rejected' });
      const request = JSON.parse(body) as { reference?: unknown; amount?: unknown };
      if (typeof request.reference !== 'string' || typeof request.amount !== 'number') return sendJson(res, 400, { error: 'reference and amount are required' });
      let transfer = byReference.get(request.reference);
      if (!transfer) {
        transfer = { reference: request.reference, transferId: `tr-${byReference.size + 1}-${request.reference.length}`, amount: request.amount, reversed: false };
        byReference.set(request.reference, transfer);
      }
      return sendJson(res, 200, { transferId: transfer.transferId });
    }
    const reverse = /^\/transfers\/([^/]+)\/reverse$/.exec(req.url ?? '');
    if (req.method === 'POST' && reverse) {
      const transfer = [...byReference.values()].find((t) => t.transferId === decodeURIComponent(reverse[1] ?? ''));
      if (!transfer) return sendJson(res, 404, { error: 'no such transfer' });
      transfer.reversed = true;
      return sendJson(res, 200, { transferId: transfer.transferId, reversed: true });
    }
    return sendJson(res, 404, { error: 'not found' });
  });
  return {
    url: server.url,
    apiKey,
    setFaults(next) {
      faults = { ...next };
    },
    transfers: () => [...byReference.values()].map((t) => ({ ...t })),
    requests: () => requestCount,
    close: () => server.close(),
  };
}
