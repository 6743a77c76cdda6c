export { testConfig, uniqueId, uniqueTenantId, waitFor } from './helpers.ts';
