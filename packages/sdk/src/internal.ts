// @metis/sdk/internal: what @metis/worker shares with the client (connections, the resource pair,
// configuration checks), and what the metis command shares with it (API keys without a Temporal
// client). Not a stable API for tenant services.
export { checkTaskQueuePrefixConfig } from './config.ts';
export { temporalUnreachable, CONNECT_TIMEOUT_MS } from './connect.ts';
export { openResources } from './resources.ts';
export type { Resources } from './resources.ts';
export { metisDataConverter } from './codec/data-converter.ts';
export { apiKeyResolver, hashApiKey, parseApiKey, tenantApiKeys } from './client/api-keys-client.ts';
