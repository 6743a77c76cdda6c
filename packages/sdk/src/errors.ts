import { MetisError } from '@metis/activities/errors';
import type { FieldError } from '@metis/fsm';

/** A tenant that this Metis instance was not configured with. */
export class TenantUnknownError extends MetisError {
  /** The tenant id asked for. */
  readonly tenantId: string;

  constructor(tenantId: string) {
    super('TENANT_UNKNOWN', `tenant ${JSON.stringify(tenantId)} is not configured`, { hint: 'Add it to the `tenants` given to createMetis' });
    this.tenantId = tenantId;
  }
}

/** A journey type the tenant has no config for. */
export class JourneyTypeUnknownError extends MetisError {
  constructor(tenantId: string, journeyType: string) {
    super('JOURNEY_TYPE_UNKNOWN', `tenant ${tenantId} has no ${JSON.stringify(journeyType)} journey`, { hint: "Add it to the tenant's `journeys`" });
  }
}

/** A step the journey refused; nothing changed. */
export class StepRejectedError extends MetisError {
  /** Field-level errors with stable codes. */
  readonly fieldErrors: readonly FieldError[];

  constructor(message: string, fieldErrors: readonly FieldError[]) {
    super('STEP_REJECTED', message);
    this.fieldErrors = fieldErrors;
  }
}

/** No journey of that type exists for the applicant. */
export class JourneyNotFoundError extends MetisError {
  constructor(workflowId: string) {
    super('JOURNEY_NOT_FOUND', `no journey ${workflowId}`);
  }
}

/** The journey is done (it has reached a final state); it takes no more steps. */
export class JourneyDoneError extends MetisError {
  constructor(workflowId: string) {
    super('JOURNEY_DONE', `journey ${workflowId} is done`);
  }
}

/** No loan application with that id exists. */
export class LoanNotFoundError extends MetisError {
  constructor(workflowId: string) {
    super('LOAN_NOT_FOUND', `no loan application ${workflowId}`);
  }
}

/** A request the workflow refused (a migration, a review); nothing changed. */
export class RequestRefusedError extends MetisError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** No document with that id exists for the tenant (another tenant's document included). */
export class DocumentNotFoundError extends MetisError {
  /** The document id asked for. */
  readonly documentId: string;

  constructor(documentId: string) {
    super('DOCUMENT_NOT_FOUND', `no document ${JSON.stringify(documentId.slice(0, 128))}`);
    this.documentId = documentId;
  }
}

/** An argument Metis refused before doing anything (an unknown role, a bad name or filter); nothing changed. */
export class InvalidArgumentError extends MetisError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, hint === undefined ? {} : { hint });
  }
}
