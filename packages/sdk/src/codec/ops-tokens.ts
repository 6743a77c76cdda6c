import type { JsonWebKey } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { MetisError } from '@metis/activities/errors';
import { isTenantId, PLATFORM_ID } from '@metis/activities/tenancy';

/** A person or service authenticated by a bearer token: who, for which tenant, with which roles. */
export interface Principal {
  /** The token's subject (`sub`). */
  readonly subject: string;
  /** Tenant the token was issued for (claim `tenant_id`); `platform` for platform operators. */
  readonly tenantId: string;
  /** Roles granted (claim `roles`), e.g. `ops`, `underwriter`. */
  readonly roles: readonly string[];
  /** When the token expires. */
  readonly expiresAt: Date;
}

/** A JSON Web Key Set, as served at a JWKS URL. */
export interface JsonWebKeySet {
  /** The keys. */
  readonly keys: readonly JsonWebKey[];
}

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** The issuer's public keys: a key set, or the URL it is served at. */
  readonly jwks: JsonWebKeySet | URL;
  /** Required `iss`. */
  readonly issuer: string;
  /** Required `aud`. */
  readonly audience: string;
  /** Accepted signature algorithms (default ES256, RS256, EdDSA; never `none` or HMAC). */
  readonly algorithms?: readonly string[];
}

/** A bearer token refused: absent, malformed, forged, expired, or for another issuer or audience. */
export class AuthenticationError extends MetisError {
  constructor(reason: string) {
    super('AUTHENTICATION_FAILED', `authentication failed: ${reason}`);
  }
}

/** Verifies a bearer token and returns its principal, or throws {@link AuthenticationError}. */
export type TokenVerifier = (token: string) => Promise<Principal>;

const DEFAULT_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;

/** Create a verifier of JWT bearer tokens signed by the issuer's JWKS, with a `sub`, a `tenant_id` and `roles`. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : createLocalJWKSet({ keys: options.jwks.keys.map((k) => ({ ...k })) });
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  const weak = algorithms.filter((a) => a === 'none' || a.startsWith('HS'));
  if (weak.length > 0) throw new MetisError('INVALID_CONFIG', `token algorithms ${weak.join(', ')} are not accepted: use asymmetric signatures (ES256, RS256, EdDSA)`);
  return async (token) => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: options.issuer, audience: options.audience, algorithms, requiredClaims: ['exp', 'sub'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('the token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw new AuthenticationError(`the token's ${error.claim} claim is not accepted`);
      if (error instanceof errors.JOSEAlgNotAllowed) throw new AuthenticationError('the token is signed with an algorithm not accepted');
      if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) throw new AuthenticationError('the token signature does not verify');
      if (error instanceof errors.JWKSTimeout || (error instanceof Error && error.name === 'TypeError')) throw new MetisError('TOKEN_KEYS_UNAVAILABLE', 'the token signing keys cannot be fetched', { cause: error });
      throw new AuthenticationError('the token is not a valid JWT');
    }
    const tenantId = payload['tenant_id'];
    const roles = payload['roles'];
    if (typeof tenantId !== 'string' || !(isTenantId(tenantId) || tenantId === PLATFORM_ID)) throw new AuthenticationError('the token has no valid tenant_id claim');
    if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string')) throw new AuthenticationError('the token has no roles claim');
    return { subject: String(payload.sub), tenantId, roles, expiresAt: new Date((payload.exp ?? 0) * 1000) };
  };
}
