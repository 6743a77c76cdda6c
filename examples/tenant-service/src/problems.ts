// Every error the service sends is application/problem+json with a stable code: what a caller's
// code branches on. Metis' typed errors map to their status here, once.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { JourneyDoneError, JourneyNotFoundError, JourneyTypeUnknownError, LoanNotFoundError, MetisError, RequestRefusedError, StepRejectedError } from '@metis/sdk';

/** Media type of every error body. */
export const PROBLEM_TYPE = 'application/problem+json';

/** One field's error in a problem body. */
export interface FieldProblem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** Stable codes of the service's problems. */
export type ProblemCode =
  | 'AUTHENTICATION_FAILED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'STEP_REJECTED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMIT_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

const TITLES: Record<ProblemCode, string> = {
  AUTHENTICATION_FAILED: 'Authentication failed',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  VALIDATION_FAILED: 'The request is not valid',
  STEP_REJECTED: 'The step was rejected',
  CONFLICT: 'Conflict',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  RATE_LIMIT_EXCEEDED: 'Too many requests',
  UNAVAILABLE: 'Service unavailable',
  INTERNAL: 'Internal error',
};

/** A refusal the service sends as a problem: status, stable code, detail and field errors. */
export class Problem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly fieldErrors: readonly FieldProblem[];
  /** Metis' own error code behind it, when there is one (e.g. `JOURNEY_DONE`). */
  readonly reason: string | undefined;

  constructor(status: number, code: ProblemCode, detail: string, options: { fieldErrors?: readonly FieldProblem[]; reason?: string } = {}) {
    super(detail);
    this.name = 'Problem';
    this.status = status;
    this.code = code;
    this.fieldErrors = options.fieldErrors ?? [];
    this.reason = options.reason;
  }
}

/** Refuse as not found: the answer for a resource that is absent or another tenant's. */
export function notFound(what: string): Problem {
  return new Problem(404, 'NOT_FOUND', `${what} was not found`);
}

const METIS_STATUS: Record<string, [number, ProblemCode]> = {
  JOURNEY_DONE: [409, 'CONFLICT'],
  LOAN_POLICY_MISSING: [409, 'CONFLICT'],
  INVALID_APPLICATION: [400, 'VALIDATION_FAILED'],
  INVALID_OBJECT_KEY: [400, 'VALIDATION_FAILED'],
  DOCUMENT_NOT_FOUND: [404, 'NOT_FOUND'],
  DEAD_LETTER_NOT_FOUND: [404, 'NOT_FOUND'],
  DEAD_LETTER_CLOSED: [409, 'CONFLICT'],
  LOAN_FAILED: [409, 'CONFLICT'],
  DEAD_LETTER_UNSUPPORTED: [409, 'CONFLICT'],
  OBJECT_NOT_FOUND: [404, 'NOT_FOUND'],
  AUTHENTICATION_FAILED: [401, 'AUTHENTICATION_FAILED'],
  TOKEN_KEYS_UNAVAILABLE: [503, 'UNAVAILABLE'],
  OBJECT_STORE_UNREACHABLE: [503, 'UNAVAILABLE'],
  WORKFLOW_UNRESPONSIVE: [503, 'UNAVAILABLE'],
};

/** Turn anything thrown by a handler into the problem to send. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof StepRejectedError) {
    return new Problem(422, 'STEP_REJECTED', error.message, {
      reason: error.code,
      fieldErrors: error.fieldErrors.map((e) => ({ field: e.field ?? 'step', code: e.code, message: e.message })),
    });
  }
  if (error instanceof JourneyNotFoundError || error instanceof LoanNotFoundError || error instanceof JourneyTypeUnknownError) {
    return new Problem(404, 'NOT_FOUND', error instanceof JourneyTypeUnknownError ? 'no such journey type' : 'the resource was not found', { reason: error.code });
  }
  if (error instanceof JourneyDoneError) return new Problem(409, 'CONFLICT', 'the journey is done and takes no more steps', { reason: error.code });
  if (error instanceof RequestRefusedError) return new Problem(409, 'CONFLICT', error.message, { reason: error.code });
  if (error instanceof MetisError) {
    const mapped = METIS_STATUS[error.code];
    if (mapped) return new Problem(mapped[0], mapped[1], mapped[1] === 'NOT_FOUND' ? 'the resource was not found' : error.message, { reason: error.code });
  }
  const fastify = error as Partial<FastifyError> & { validation?: readonly { instancePath?: string; params?: Record<string, unknown>; message?: string; keyword?: string }[]; validationContext?: string };
  if (fastify.validation) {
    return new Problem(400, 'VALIDATION_FAILED', 'the request does not match its schema', {
      fieldErrors: fastify.validation.map((v) => ({
        field: `${fastify.validationContext ?? 'body'}${v.instancePath ?? ''}${typeof v.params?.['missingProperty'] === 'string' ? `/${v.params['missingProperty']}` : ''}`,
        code: (v.keyword ?? 'invalid').toUpperCase(),
        message: v.message ?? 'is not valid',
      })),
    });
  }
  const status = typeof fastify.statusCode === 'number' ? fastify.statusCode : 500;
  if (status === 413) return new Problem(413, 'PAYLOAD_TOO_LARGE', 'the request body or a file is larger than allowed');
  if (status === 415) return new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'this content type is not accepted here');
  if (status === 404) return notFound('the route');
  if (status >= 400 && status < 500) return new Problem(status, 'VALIDATION_FAILED', fastify.message ?? 'the request is not valid');
  return new Problem(500, 'INTERNAL', 'the service failed; the error is logged');
}

/** Send a problem, with `WWW-Authenticate` on a 401. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 401) void reply.header('www-authenticate', 'Bearer realm="metis", ApiKey header="x-api-key"');
  return reply
    .status(problem.status)
    .type(PROBLEM_TYPE)
    .send({
      type: `https://metis.dev/problems/${problem.code.toLowerCase().replaceAll('_', '-')}`,
      title: TITLES[problem.code],
      status: problem.status,
      code: problem.code,
      detail: problem.message,
      instance: request.url.split('?')[0],
      ...(problem.reason ? { reason: problem.reason } : {}),
      ...(problem.fieldErrors.length > 0 ? { errors: problem.fieldErrors } : {}),
    });
}

/** JSON schema of a problem body, for the OpenAPI document. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    reason: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['field', 'code', 'message'], properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
    },
  },
} as const;
