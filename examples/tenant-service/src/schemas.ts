// JSON schemas shared by the routes: ids that cannot climb out of a path or carry control
// characters, and the error responses every route may give.

/** An id from the caller: letters, digits, `.`, `_`, `-`; no `..`, no slash, no control character. */
export const ID_PATTERN = '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

/** Schema of an id path parameter. */
export const idSchema = { type: 'string', pattern: ID_PATTERN, minLength: 1, maxLength: 128 } as const;

/** Schema of a journey type path parameter. */
export const journeyTypeSchema = { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,63}$' } as const;

/** Schema of a UUID path parameter. */
export const uuidSchema = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;

/** A free-form JSON object in a response. */
export const anyObject = { type: 'object', additionalProperties: true } as const;

const problem = { $ref: 'Problem#' } as const;

/** The error responses of an authenticated route, for the OpenAPI document. */
export const problemResponses = {
  400: problem,
  401: problem,
  403: problem,
  404: problem,
  413: problem,
  429: problem,
} as const;

/** The `security` of an authenticated route: a key or a bearer token. */
export const callerSecurity: { [scheme: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];
