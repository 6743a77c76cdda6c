import { fileURLToPath } from 'node:url';
import { DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import type { DataConverter, LoadedDataConverter, PayloadCodec } from '@temporalio/common';
import { ConfigurationError } from '@metis/activities/errors';
import type { Keyring } from './keyring.ts';
import { createTenantPayloadCodec } from './tenant-codec.ts';

/** How Temporal payloads are protected: encrypted with a keyring, or explicitly not at all. */
export type PayloadEncryption = { readonly keyring: Keyring } | 'off';

/** The message logged at every start of a client or worker whose payloads are not encrypted. */
export const ENCRYPTION_OFF_WARNING = 'payload encryption is off: journey data, PII included, reaches Temporal in clear (METIS_PAYLOAD_ENCRYPTION=off)';

/** Path of the failure converter module, which encodes failure messages and stack traces. */
export function failureConverterPath(): string {
  return fileURLToPath(import.meta.resolve('@metis/workflows/failure-converter'));
}

/** A data converter a worker loads by path and a client takes as loaded (no module loading at run time). */
export type MetisDataConverter = DataConverter & LoadedDataConverter;

const converter = (payloadCodecs: PayloadCodec[]): MetisDataConverter => ({
  failureConverterPath: failureConverterPath(),
  payloadConverter: defaultPayloadConverter,
  failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }),
  payloadCodecs,
});

/**
 * Return the data converter of a client or worker: every payload encrypted with the keyring and
 * failures encoded, or, when encryption is `'off'`, failures still encoded and `warn` told.
 * Throw `ConfigurationError` when encryption is neither given nor turned off.
 */
export function metisDataConverter(encryption: PayloadEncryption | undefined, warn: (message: string) => void): MetisDataConverter {
  if (encryption === undefined) {
    throw new ConfigurationError('PAYLOAD_KEY_MISSING', 'no payload encryption key: Metis encrypts every Temporal payload and will not start without a key', {
      hint: 'Set METIS_PAYLOAD_KEY (base64, 32 bytes: `openssl rand -base64 32`) or METIS_PAYLOAD_KEY_FILE, or give `encryption: { keyring }`; `npm run stack -- up` creates a development key in .metis/payload-key. To run without encryption, set METIS_PAYLOAD_ENCRYPTION=off (or `encryption: \'off\'`).',
    });
  }
  if (encryption === 'off') {
    warn(ENCRYPTION_OFF_WARNING);
    return converter([]);
  }
  if (typeof encryption !== 'object' || typeof encryption.keyring?.key !== 'function' || typeof encryption.keyring.currentKeyId !== 'function') {
    throw new ConfigurationError('INVALID_CONFIG', 'encryption must be { keyring } or \'off\'');
  }
  return converter([createTenantPayloadCodec(encryption.keyring)]);
}
