// Who is calling: a server-to-server key (`x-api-key`) or a person's JWT bearer token. The tenant
// always comes from the credential; a refused credential is a 401 and an AUTHENTICATION_FAILED
// event that names the reason and the method, never the secret.
import type { FastifyRequest } from 'fastify';
import { AuthenticationError, MetisError, TenantUnknownError } from '@metis/sdk';
import type { Metis, TokenVerifier } from '@metis/sdk';
import { Problem } from './problems.ts';

/** A role a caller can hold. */
export type Role = 'service' | 'applicant' | 'underwriter' | 'ops';

const TOKEN_ROLES: readonly Role[] = ['applicant', 'underwriter', 'ops'];

/** An authenticated caller. */
export interface Caller {
  /** The tenant the credential was issued for. */
  readonly tenantId: string;
  readonly method: 'api-key' | 'bearer';
  /** The key id, or the token's subject. */
  readonly id: string;
  readonly roles: readonly Role[];
  /** The one applicant an applicant token is bound to. */
  readonly applicantId: string | undefined;
  /** How the audit trail names the caller, e.g. `service:3f…` or `underwriter:priya`. */
  readonly actor: string;
}

/** What authentication needs from the Metis client. */
export type CredentialClient = Pick<Metis, 'resolveApiKey' | 'recordSecurityEvent' | 'tenant'>;

/** Reads the credential of a request and returns its caller, or throws a 401 {@link Problem}. */
export type Authenticator = (request: FastifyRequest) => Promise<Caller>;

const KEY_HEADER = 'x-api-key';
const MAX_CREDENTIAL_LENGTH = 8192;

function refused(detail: string): Problem {
  return new Problem(401, 'AUTHENTICATION_FAILED', detail);
}

function knownTenant(metis: CredentialClient, tenantId: string): boolean {
  try {
    metis.tenant(tenantId);
    return true;
  } catch (error) {
    if (error instanceof TenantUnknownError) return false;
    throw error;
  }
}

async function fromKey(metis: CredentialClient, key: string): Promise<Caller> {
  const principal = await metis.resolveApiKey(key);
  // resolveApiKey answers only for live keys of the tenants this client serves.
  if (!principal) throw refused('the API key is not valid');
  const role: Role = principal.role;
  return { tenantId: principal.tenantId, method: 'api-key', id: principal.keyId, roles: [role], applicantId: undefined, actor: `${role}:${principal.keyId}` };
}

async function fromToken(metis: CredentialClient, verify: TokenVerifier, token: string): Promise<Caller> {
  let principal;
  try {
    principal = await verify(token);
  } catch (error) {
    if (error instanceof AuthenticationError) throw refused(error.message);
    if (error instanceof MetisError && error.code === 'TOKEN_KEYS_UNAVAILABLE') throw new Problem(503, 'UNAVAILABLE', 'the token signing keys cannot be fetched now');
    throw error;
  }
  if (!knownTenant(metis, principal.tenantId)) throw refused('the token is for a tenant this service does not serve');
  const roles = TOKEN_ROLES.filter((r) => principal.roles.includes(r));
  if (roles.length === 0) throw refused('the token has no role this service accepts');
  // An applicant token speaks for one applicant only: it carries no staff role beside it.
  if (roles.includes('applicant') && roles.length > 1) throw refused('an applicant token cannot also hold a staff role');
  const applicantId = roles.includes('applicant') ? principal.subject : undefined;
  return { tenantId: principal.tenantId, method: 'bearer', id: principal.subject, roles, applicantId, actor: `${roles[0]}:${principal.subject}` };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (Array.isArray(value)) throw refused(`send one ${name} header`);
  return value;
}

/** Create the authenticator of the service: keys through Metis, tokens through the verifier. */
export function createAuthenticator(metis: CredentialClient, verify: TokenVerifier): Authenticator {
  const attempt = async (request: FastifyRequest): Promise<Caller> => {
    const key = header(request, KEY_HEADER);
    const authorization = header(request, 'authorization');
    if (key !== undefined && authorization !== undefined) throw refused('send either an API key or a bearer token, not both');
    if (key !== undefined) {
      if (key.length > MAX_CREDENTIAL_LENGTH) throw refused('the API key is not valid');
      return fromKey(metis, key);
    }
    if (authorization !== undefined) {
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization);
      if (!match?.[1] || match[1].length > MAX_CREDENTIAL_LENGTH) throw refused('the Authorization header is not a bearer token');
      return fromToken(metis, verify, match[1]);
    }
    throw refused('an API key (x-api-key) or a bearer token is required');
  };
  return async (request) => {
    try {
      return await attempt(request);
    } catch (error) {
      if (error instanceof Problem && error.status === 401) {
        const method = request.headers[KEY_HEADER] !== undefined ? 'api-key' : request.headers.authorization !== undefined ? 'bearer' : 'none';
        request.log.warn({ event: 'AUTHENTICATION_FAILED', method, reason: error.message }, 'credential refused');
        await metis
          .recordSecurityEvent({ type: 'AUTHENTICATION_FAILED', payload: { method, reason: error.message, route: request.routeOptions.url ?? null } })
          .catch((failure: unknown) => request.log.error({ err: failure }, 'the AUTHENTICATION_FAILED event could not be recorded'));
      }
      throw error;
    }
  };
}

/** Refuse with 403 unless the caller holds one of the roles. */
export function requireRole(caller: Caller, ...roles: readonly Role[]): void {
  if (!caller.roles.some((r) => roles.includes(r))) throw new Problem(403, 'FORBIDDEN', `this needs the role ${roles.join(' or ')}`);
}

/** Tell whether the caller may act for the applicant: any service key, or the applicant's own token. */
export function speaksFor(caller: Caller, applicantId: string): boolean {
  return caller.applicantId === undefined || caller.applicantId === applicantId;
}
