/** Base class of every error Metis throws on purpose: a stable `code` and a hint for the fix. */
export class MetisError extends Error {
  /** Stable, machine-readable error code. */
  readonly code: string;
  /** What to do about it, in one sentence. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(options?.hint ? `${message}. ${options.hint}` : message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options?.hint;
  }
}

/** A server Metis needs is unreachable, refuses the credentials, or is not set up. */
export class ConfigurationError extends MetisError {}

/** A tenant id that is not a valid identifier. */
export class InvalidTenantIdError extends MetisError {
  constructor(tenantId: unknown) {
    super('INVALID_TENANT_ID', `invalid tenant id ${JSON.stringify(tenantId)}`, {
      hint: 'Use 2-63 characters of a-z, 0-9 and "-", starting with a letter or digit',
    });
  }
}

/** An object key or key part that could leave its tenant's prefix. */
export class ObjectKeyError extends MetisError {
  /** The offending input. */
  readonly input: string;

  constructor(reason: string, input: string) {
    super('INVALID_OBJECT_KEY', `object key rejected: ${reason}`);
    this.input = input;
  }
}

/** An object that does not exist in the store. */
export class ObjectNotFoundError extends MetisError {
  constructor(key: string) {
    super('OBJECT_NOT_FOUND', `no object at ${key}`);
  }
}
