// Journeys: read one, submit a step (JSON, or multipart with the documents of the step), and the
// tenant's journey config the pages build the same machine from.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPlainObject } from '@metis/fsm';
import type { JsonObject } from '@metis/fsm';
import { documentKindForField } from '@metis/sdk';
import type { StepDocument } from '@metis/sdk';
import { requireRole, speaksFor } from '../credentials.ts';
import type { Caller } from '../credentials.ts';
import { callerOf } from '../context.ts';
import type { RouteContext } from '../context.ts';
import { notFound, Problem } from '../problems.ts';
import { anyObject, callerSecurity, idSchema, journeyTypeSchema, problemResponses } from '../schemas.ts';
import { readMultipart } from '../uploads.ts';

interface JourneyParams {
  readonly type: string;
  readonly applicantId: string;
}

interface StepBody {
  readonly step: string;
  readonly data?: JsonObject;
  readonly next?: string;
  /** The step's date for date rules; only a service key may set it, everyone else gets today's. */
  readonly asOf?: string;
}

const params = { type: 'object', required: ['type', 'applicantId'], properties: { type: journeyTypeSchema, applicantId: idSchema }, additionalProperties: false } as const;
const stepName = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' } as const;
const stepBody = {
  type: 'object',
  required: ['step'],
  additionalProperties: false,
  properties: { step: stepName, data: { type: 'object', additionalProperties: true, maxProperties: 200 }, next: stepName, asOf: { type: 'string', format: 'date' } },
} as const;

function configOf(context: RouteContext, caller: Caller, journeyType: string) {
  const config = context.journeyConfigs.get(caller.tenantId)?.[journeyType];
  if (!config) throw notFound('the journey type');
  return config;
}

function documentFieldsOf(config: unknown): Set<string> {
  const fields = isPlainObject(config) && isPlainObject(config['fields']) ? config['fields'] : {};
  return new Set(Object.entries(fields).flatMap(([name, spec]) => (isPlainObject(spec) && spec['type'] === 'document' ? [name] : [])));
}

/** How deep a step's `data` may nest. */
const MAX_DATA_DEPTH = 16;

function depthOf(value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, limit - 1));
  return deepest + 1;
}

function checkData(data: JsonObject, documentFields: Set<string>, fromFiles: Set<string>, caller: Caller): void {
  if (Object.keys(data).length > 200) throw new Problem(400, 'VALIDATION_FAILED', 'data has more than 200 fields', { fieldErrors: [{ field: 'data', code: 'TOO_MANY_FIELDS', message: 'at most 200 fields' }] });
  if (depthOf(data, MAX_DATA_DEPTH + 1) > MAX_DATA_DEPTH) {
    throw new Problem(400, 'VALIDATION_FAILED', `data nests deeper than ${MAX_DATA_DEPTH} levels`, { fieldErrors: [{ field: 'data', code: 'TOO_DEEP', message: `at most ${MAX_DATA_DEPTH} levels` }] });
  }
  // A document field names an upload: an applicant's comes from a file of the same request, never
  // from an id typed into the data (which could be another applicant's document).
  if (caller.applicantId === undefined) return;
  const typed = Object.keys(data).filter((f) => documentFields.has(f) && !fromFiles.has(f));
  if (typed.length > 0) {
    throw new Problem(400, 'VALIDATION_FAILED', 'send documents as files of the step', {
      fieldErrors: typed.map((field) => ({ field, code: 'DOCUMENT_NOT_UPLOADED', message: 'attach the image as a file part' })),
    });
  }
}

async function readStep(request: FastifyRequest, documentFields: Set<string>, caller: Caller): Promise<{ body: StepBody; documents: Record<string, StepDocument> }> {
  if (!request.isMultipart()) {
    if (!isPlainObject(request.body)) throw new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the step as application/json or multipart/form-data');
    const body = request.body as unknown as StepBody;
    checkData(body.data ?? {}, documentFields, new Set(), caller);
    return { body, documents: {} };
  }
  const { fields, files } = await readMultipart(request);
  const unknown = Object.keys(fields).filter((f) => !['step', 'data', 'next', 'asOf'].includes(f));
  if (unknown.length > 0) throw new Problem(400, 'VALIDATION_FAILED', `unknown form fields: ${unknown.join(', ')}`);
  const step = fields['step'];
  if (step === undefined || !/^[a-z][a-z0-9_]{0,63}$/.test(step)) {
    throw new Problem(400, 'VALIDATION_FAILED', 'the form needs a step', { fieldErrors: [{ field: 'step', code: 'REQUIRED', message: 'name the step' }] });
  }
  let data: unknown = {};
  if (fields['data'] !== undefined) {
    try {
      data = JSON.parse(fields['data']);
    } catch {
      data = undefined;
    }
    if (!isPlainObject(data)) throw new Problem(400, 'VALIDATION_FAILED', 'the data field is not a JSON object', { fieldErrors: [{ field: 'data', code: 'INVALID_JSON', message: 'send a JSON object' }] });
  }
  const documents: Record<string, StepDocument> = {};
  for (const file of files) {
    if (!documentFields.has(file.field)) {
      throw new Problem(400, 'VALIDATION_FAILED', `${JSON.stringify(file.field)} is not a document field of this journey`, {
        fieldErrors: [{ field: file.field, code: 'NOT_A_DOCUMENT_FIELD', message: 'no document field of this name' }],
      });
    }
    documents[file.field] = { kind: documentKindForField(file.field), body: file.body, contentType: file.contentType };
  }
  checkData(data as JsonObject, documentFields, new Set(Object.keys(documents)), caller);
  const { next, asOf } = fields;
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Problem(400, 'VALIDATION_FAILED', 'asOf is not a date', { fieldErrors: [{ field: 'asOf', code: 'INVALID_DATE', message: 'send YYYY-MM-DD' }] });
  return { body: { step, data: data as JsonObject, ...(next !== undefined ? { next } : {}), ...(asOf !== undefined ? { asOf } : {}) }, documents };
}

/** Return today's date (UTC), the date of a step no service key dated. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Register the journey routes. */
export function journeyRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get(
    '/me',
    {
      schema: {
        summary: 'Return who the credential speaks for: tenant, roles and, for an applicant, the applicant id',
        tags: ['service'],
        security: callerSecurity,
        response: {
          200: { type: 'object', properties: { tenantId: { type: 'string' }, method: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, applicantId: { type: ['string', 'null'] }, journeyTypes: { type: 'array', items: { type: 'string' } } } },
          ...problemResponses,
        },
      },
    },
    (request, reply) => {
      const caller = callerOf(request);
      return reply.send({ tenantId: caller.tenantId, method: caller.method, roles: caller.roles, applicantId: caller.applicantId ?? null, journeyTypes: Object.keys(context.journeyConfigs.get(caller.tenantId) ?? {}) });
    },
  );

  app.get<{ Params: { type: string } }>(
    '/journey-configs/:type',
    {
      schema: {
        summary: "Return the tenant's journey config, from which a page builds the same machine as the backend",
        tags: ['journeys'],
        security: callerSecurity,
        params: { type: 'object', required: ['type'], properties: { type: journeyTypeSchema } },
        response: { 200: anyObject, ...problemResponses },
      },
    },
    (request, reply) => reply.send(configOf(context, callerOf(request), request.params.type)),
  );

  app.get<{ Params: JourneyParams }>(
    '/journeys/:type/:applicantId',
    {
      schema: {
        summary: "Return where an applicant's journey stands: state, missing fields, next states, results",
        tags: ['journeys'],
        security: callerSecurity,
        params,
        response: { 200: anyObject, ...problemResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireRole(caller, 'service', 'applicant', 'underwriter', 'ops');
      const { type, applicantId } = request.params;
      if (!speaksFor(caller, applicantId)) throw notFound('the journey');
      configOf(context, caller, type);
      return context.metis.tenant(caller.tenantId).journeys.get(applicantId, type, { timeoutMs: context.queryTimeoutMs });
    },
  );

  app.post<{ Params: JourneyParams; Body: StepBody }>(
    '/journeys/:type/:applicantId/steps',
    {
      schema: {
        summary: 'Submit a step: JSON `{ step, data }`, or multipart with `step`, `data` (JSON text) and one image per document field',
        tags: ['journeys'],
        security: callerSecurity,
        params,
        // JSON is checked here; a multipart body is read and checked by the handler.
        body: { content: { 'application/json': { schema: stepBody }, 'multipart/form-data': { schema: {} } } },
        response: { 200: anyObject, 409: { $ref: 'Problem#' }, 415: { $ref: 'Problem#' }, 422: { $ref: 'Problem#' }, ...problemResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireRole(caller, 'service', 'applicant');
      const { type, applicantId } = request.params;
      if (!speaksFor(caller, applicantId)) throw notFound('the journey');
      const config = configOf(context, caller, type);
      const { body, documents } = await readStep(request, documentFieldsOf(config), caller);
      if (body.asOf !== undefined && !caller.roles.includes('service')) throw new Problem(403, 'FORBIDDEN', "only a service key may date a step; the service dates an applicant's steps itself");
      return context.metis.tenant(caller.tenantId).journeys.submit(applicantId, type, body.step, body.data ?? {}, {
        actor: caller.actor,
        asOf: body.asOf ?? today(),
        queryTimeoutMs: context.queryTimeoutMs,
        ...(Object.keys(documents).length > 0 ? { documents } : {}),
        ...(body.next !== undefined ? { next: body.next } : {}),
      });
    },
  );
}
