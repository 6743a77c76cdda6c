// Dead letters: operations list the workflows that failed for good and start them again.
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../credentials.ts';
import { callerOf } from '../context.ts';
import type { RouteContext } from '../context.ts';
import { callerSecurity, problemResponses, uuidSchema } from '../schemas.ts';

const deadLetter = {
  type: 'object',
  properties: {
    deadLetterId: { type: 'string' },
    workflowId: { type: 'string' },
    workflowType: { type: 'string' },
    status: { type: 'string' },
    error: { type: 'object', properties: { message: { type: 'string' }, type: { type: 'string' } } },
    createdAt: { type: 'string' },
  },
} as const;

/** Register the dead-letter routes. */
export function deadLetterRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get<{ Querystring: { status?: 'open' | 'retried' | 'discarded' } }>(
    '/dead-letters',
    {
      schema: {
        summary: 'List dead letters, newest first (open ones by default)',
        tags: ['operations'],
        security: callerSecurity,
        querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['open', 'retried', 'discarded'] } } },
        response: { 200: { type: 'object', properties: { deadLetters: { type: 'array', items: deadLetter } } }, ...problemResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireRole(caller, 'ops');
      const deadLetters = await context.metis.tenant(caller.tenantId).deadLetters.list(request.query.status ?? 'open');
      return { deadLetters: deadLetters.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })) };
    },
  );

  app.post<{ Params: { deadLetterId: string } }>(
    '/dead-letters/:deadLetterId/retry',
    {
      schema: {
        summary: 'Start a dead-lettered workflow again from its stored input',
        tags: ['operations'],
        security: callerSecurity,
        params: { type: 'object', required: ['deadLetterId'], properties: { deadLetterId: uuidSchema }, additionalProperties: false },
        response: { 409: { $ref: 'Problem#' }, 202: { type: 'object', properties: { workflowId: { type: 'string' }, runId: { type: 'string' } } }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      requireRole(caller, 'ops');
      return reply.status(202).send(await context.metis.tenant(caller.tenantId).deadLetters.retry(request.params.deadLetterId));
    },
  );
}
