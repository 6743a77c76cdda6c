// Where the test stack is, from the test kit's configuration (test.sh exports the environment).
import { testConfig, uniqueTenantId } from '@metis/testing';

const config = testConfig();

/** URL of the application role in the test database. */
export const DATABASE_URL = config.database.url;
/** The test object store. */
export const S3 = config.objectStore;
/** Return a fresh tenant id for one test. */
export const freshTenant = uniqueTenantId;
