import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '@metis/activities/errors';
import { createTokenVerifier } from './ops-tokens.ts';
import type { JsonWebKeySet, TokenVerifier } from './ops-tokens.ts';

/** Audience of Metis tokens unless METIS_AUTH_AUDIENCE names another. */
export const DEFAULT_TOKEN_AUDIENCE = 'metis';

/** Read a JWKS from a file, or return its URL (https, or plain http on this machine only). */
export async function loadJwks(source: string): Promise<JsonWebKeySet | URL> {
  if (/^https?:\/\//.test(source)) {
    const url = new URL(source);
    // A key set fetched in clear could be replaced on the way: only https, or this machine.
    if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new ConfigurationError('INVALID_CONFIG', `METIS_AUTH_JWKS ${JSON.stringify(source)} must be an https URL (or a file)`);
    }
    return url;
  }
  try {
    const parsed = JSON.parse(await readFile(source, 'utf8')) as JsonWebKeySet;
    if (!Array.isArray(parsed.keys)) throw new Error('no keys array');
    return parsed;
  } catch (error) {
    throw new ConfigurationError('INVALID_CONFIG', `METIS_AUTH_JWKS ${JSON.stringify(source)} is not a readable JWKS file`, { hint: 'Give the path of a JWKS file or its https URL', cause: error });
  }
}

/** Create the token verifier METIS_AUTH_JWKS, METIS_AUTH_ISSUER and METIS_AUTH_AUDIENCE describe. */
export async function tokenVerifierFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Promise<TokenVerifier> {
  const jwks = env['METIS_AUTH_JWKS'];
  const issuer = env['METIS_AUTH_ISSUER'];
  if (!jwks || !issuer) throw new ConfigurationError('INVALID_CONFIG', 'METIS_AUTH_JWKS and METIS_AUTH_ISSUER must name who signs the tokens', { hint: 'Point METIS_AUTH_JWKS at the issuer’s JWKS (file or https URL) and set METIS_AUTH_ISSUER' });
  return createTokenVerifier({ jwks: await loadJwks(jwks), issuer, audience: env['METIS_AUTH_AUDIENCE'] || DEFAULT_TOKEN_AUDIENCE });
}
