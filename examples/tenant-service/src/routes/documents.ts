// Documents: upload one image to the tenant's prefix, read its record and a short-lived link.
import type { FastifyInstance } from 'fastify';
import { DOCUMENT_KINDS } from '@metis/sdk';
import type { DocumentKind } from '@metis/sdk';
import { requireRole } from '../credentials.ts';
import { callerOf } from '../context.ts';
import type { RouteContext } from '../context.ts';
import { notFound, Problem } from '../problems.ts';
import { anyObject, callerSecurity, problemResponses, uuidSchema } from '../schemas.ts';
import { readMultipart } from '../uploads.ts';

const DOWNLOAD_SECONDS = 300;

/** Register the document routes. */
export function documentRoutes(app: FastifyInstance, context: RouteContext): void {
  app.post(
    '/documents',
    {
      schema: {
        summary: 'Upload one JPEG or PNG image (multipart: `kind` and `file`); anything else is refused before it is stored',
        tags: ['documents'],
        security: callerSecurity,
        consumes: ['multipart/form-data'],
        response: { 201: anyObject, 415: { $ref: 'Problem#' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      requireRole(caller, 'service', 'applicant');
      const { fields, files } = await readMultipart(request);
      const kind = fields['kind'];
      if (kind === undefined || !(DOCUMENT_KINDS as readonly string[]).includes(kind)) {
        throw new Problem(400, 'VALIDATION_FAILED', 'the form needs a kind', { fieldErrors: [{ field: 'kind', code: 'INVALID_KIND', message: `one of ${DOCUMENT_KINDS.join(', ')}` }] });
      }
      const file = files[0];
      if (files.length !== 1 || !file || file.field !== 'file') throw new Problem(400, 'VALIDATION_FAILED', 'send exactly one file, in the part named file');
      const uploaded = await context.metis.tenant(caller.tenantId).documents.upload({ kind: kind as DocumentKind, body: file.body, contentType: file.contentType });
      return reply.status(201).send({ documentId: uploaded.documentId, kind, sizeBytes: uploaded.sizeBytes, sha256: uploaded.sha256, contentType: file.contentType });
    },
  );

  app.get<{ Params: { documentId: string } }>(
    '/documents/:documentId',
    {
      schema: {
        summary: "Return a document's record and a link that reads it for five minutes",
        tags: ['documents'],
        security: callerSecurity,
        params: { type: 'object', required: ['documentId'], properties: { documentId: uuidSchema }, additionalProperties: false },
        response: { 200: anyObject, ...problemResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireRole(caller, 'service', 'underwriter');
      const documents = context.metis.tenant(caller.tenantId).documents;
      const document = await documents.get(request.params.documentId);
      const kind = /\/documents\/([^/]+)\/[^/]+$/.exec(document.objectKey)?.[1] as DocumentKind | undefined;
      if (!kind) throw notFound('the document');
      return { documentId: document.documentId, kind, sizeBytes: document.sizeBytes, sha256: document.sha256, downloadUrl: await documents.downloadUrl(kind, document.documentId, DOWNLOAD_SECONDS) };
    },
  );
}
