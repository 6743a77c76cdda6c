// Where the test stack is: test.sh exports these; the fallbacks are the local defaults.
export const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://metis_app:metis_app@127.0.0.1:5432/metis_test';
export const OWNER_URL = process.env['METIS_MIGRATION_DATABASE_URL'] ?? 'postgres://metis_owner:metis_owner@127.0.0.1:5432/metis_test';
export const ADMIN_URL = process.env['METIS_ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const S3 = {
  endpoint: process.env['METIS_S3_ENDPOINT'] ?? 'http://127.0.0.1:9000',
  accessKey: process.env['METIS_S3_ACCESS_KEY'] ?? 'metis',
  secretKey: process.env['METIS_S3_SECRET_KEY'] ?? 'metis-dev-secret',
  bucket: process.env['METIS_S3_BUCKET'] ?? 'metis-test',
};

/** Return a fresh tenant id for one test. */
export function freshTenant(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}
