// What every route is given: the Metis client, the tenants' journey configs, and the caller that
// authentication put on the request.
import type { FastifyRequest } from 'fastify';
import type { JourneyConfigInput } from '@metis/fsm';
import type { Metis } from '@metis/sdk';
import type { Caller } from './credentials.ts';
import { Problem } from './problems.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, set by the `/v1` scope's first hook. */
    caller: Caller | undefined;
  }
}

/** The Metis client the routes use. */
export type ServiceClient = Pick<Metis, 'tenant' | 'resolveApiKey' | 'recordSecurityEvent'>;

/** What the routes share. */
export interface RouteContext {
  readonly metis: ServiceClient;
  /** Each tenant's journey configs, by journey type. */
  readonly journeyConfigs: ReadonlyMap<string, Readonly<Record<string, JourneyConfigInput>>>;
  /** Longest a caller may wait for a loan decision in one request, in milliseconds. */
  readonly maxDecisionWaitMs: number;
  /** Longest a workflow may take to answer a query before the request is a 503, in milliseconds. */
  readonly queryTimeoutMs: number;
}

/** Return the request's authenticated caller. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = request.caller;
  if (!caller) throw new Problem(401, 'AUTHENTICATION_FAILED', 'a credential is required');
  return caller;
}
