import { MetisError } from '@metis/activities';

/** A tenant that this Metis instance was not configured with. */
export class TenantUnknownError extends MetisError {
  /** The tenant id asked for. */
  readonly tenantId: string;

  constructor(tenantId: string) {
    super('TENANT_UNKNOWN', `tenant ${JSON.stringify(tenantId)} is not configured`, { hint: 'Add it to the `tenants` given to createMetis' });
    this.tenantId = tenantId;
  }
}
