import { MetisError } from '../errors.ts';

/** A payout system that moves money to a loan account. */
export interface DisbursementProvider {
  /** Pay out; the same reference twice pays once and returns the same transfer. */
  disburse(request: { reference: string; accountId: string; amount: number }): Promise<{ transferId: string }>;
  /** Reverse a transfer; reversing twice is not an error. */
  reverse(transferId: string): Promise<void>;
}

/** The payout system refused or failed. */
export class DisbursementError extends MetisError {
  /** Whether trying again may succeed. */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super('DISBURSEMENT_FAILED', message);
    this.retryable = retryable;
  }
}

/** Settings of a payout system reached over HTTP. */
export interface HttpDisbursementConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Per request, in ms (default 5 s). */
  readonly timeoutMs?: number;
}

/** Create a `DisbursementProvider` speaking JSON over HTTP (`POST /transfers`, `POST /transfers/{id}/reverse`). */
export function createHttpDisbursementProvider(config: HttpDisbursementConfig): DisbursementProvider {
  const call = async (path: string, body: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, config.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${config.apiKey}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(config.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new DisbursementError(`payout system unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    if (response.status >= 500 || response.status === 429) throw new DisbursementError(`payout system answered ${response.status}`, true);
    if (!response.ok) throw new DisbursementError(`payout refused: ${response.status} ${await response.text()}`, false);
    return response.json();
  };
  return {
    async disburse(request) {
      const body = (await call('/transfers', request)) as { transferId?: unknown };
      if (typeof body.transferId !== 'string') throw new DisbursementError('payout system answered without a transferId', true);
      return { transferId: body.transferId };
    },
    async reverse(transferId) {
      await call(`/transfers/${encodeURIComponent(transferId)}/reverse`, {});
    },
  };
}
