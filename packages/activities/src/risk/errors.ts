import { MetisError } from '../errors.ts';

/** No risk model is registered for a tenant (or not the version asked for). */
export class RiskModelNotFoundError extends MetisError {
  constructor(tenantId: string, version?: string) {
    super('RISK_MODEL_NOT_FOUND', version ? `risk model ${version} of tenant ${tenantId} is not registered` : `tenant ${tenantId} has no risk model registered`, {
      hint: 'Register the tenant’s model with registerRiskModel (in the Metis repository, `bash scripts/node.sh tools/risk/train-risk-model.ts --tenant <id> --register` trains a sample one)',
    });
  }
}

/** Applicant features that do not fit the model (missing, not finite). */
export class InvalidRiskInputError extends MetisError {
  /** Feature names at fault. */
  readonly features: readonly string[];

  constructor(features: readonly string[], reason: string) {
    super('RISK_INPUT_INVALID', `risk features rejected: ${reason}: ${features.join(', ')}`, { hint: 'Send every feature the model lists, as finite numbers' });
    this.features = features;
  }
}

/** A stored model or its metadata is malformed. */
export class RiskModelInvalidError extends MetisError {
  constructor(key: string, reason: string, cause?: unknown) {
    super('RISK_MODEL_INVALID', `risk model at ${key} is unusable: ${reason}`, { hint: 'Register the model again', ...(cause === undefined ? {} : { cause }) });
  }
}
