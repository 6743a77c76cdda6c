// Loans: apply, read, wait for the decision; reviews: an underwriter lists the loans waiting for
// a manual decision, with their brief, and decides them.
import type { FastifyInstance } from 'fastify';
import { DOCUMENT_KINDS, MetisError } from '@metis/sdk';
import type { LoanApplication, LoanReview } from '@metis/sdk';
import { requireRole } from '../credentials.ts';
import { callerOf } from '../context.ts';
import type { RouteContext } from '../context.ts';
import { notFound } from '../problems.ts';
import { anyObject, callerSecurity, idSchema, problemResponses } from '../schemas.ts';

const applicationParams = { type: 'object', required: ['applicationId'], properties: { applicationId: idSchema }, additionalProperties: false } as const;

const applicationBody = {
  type: 'object',
  required: ['applicationId', 'applicant', 'amount', 'tenureMonths'],
  additionalProperties: false,
  properties: {
    applicationId: idSchema,
    amount: { type: 'number', exclusiveMinimum: 0, maximum: 1e10 },
    tenureMonths: { type: 'integer', minimum: 1, maximum: 600 },
    purpose: { type: 'string', maxLength: 200 },
    kycStatus: { type: 'string', pattern: '^[a-z_]{1,40}$' },
    kycMismatch: { type: 'boolean' },
    applicant: {
      type: 'object',
      required: ['applicantId', 'name', 'pan', 'dateOfBirth', 'monthlyIncome'],
      additionalProperties: false,
      properties: {
        applicantId: idSchema,
        name: { type: 'string', minLength: 1, maxLength: 200 },
        pan: { type: 'string', pattern: '^[A-Z]{5}[0-9]{4}[A-Z]$' },
        dateOfBirth: { type: 'string', format: 'date' },
        monthlyIncome: { type: 'number', minimum: 0, maximum: 1e9 },
        employmentType: { type: 'string', enum: ['salaried', 'self_employed', 'government', 'student', 'retired', 'other'] },
        employmentYears: { type: 'number', minimum: 0, maximum: 80 },
        existingMonthlyEmi: { type: 'number', minimum: 0, maximum: 1e9 },
        phone: { type: 'string', maxLength: 20 },
        email: { type: 'string', format: 'email', maxLength: 254 },
      },
    },
    documents: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        required: ['kind', 'documentId'],
        additionalProperties: false,
        properties: { kind: { type: 'string', enum: [...DOCUMENT_KINDS] }, documentId: { type: 'string', format: 'uuid' } },
      },
    },
  },
} as const;

const reviewBody = {
  type: 'object',
  required: ['outcome', 'reason'],
  additionalProperties: false,
  properties: {
    outcome: { type: 'string', enum: ['approve', 'reject'] },
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    approvedAmount: { type: 'number', exclusiveMinimum: 0 },
  },
} as const;

const MAX_REVIEWS = 100;

/** Register the loan and review routes. */
export function loanRoutes(app: FastifyInstance, context: RouteContext): void {
  const loans = (tenantId: string) => context.metis.tenant(tenantId).loans;

  app.post<{ Body: LoanApplication }>(
    '/loans',
    {
      schema: {
        summary: 'Apply for a loan; applying again with the same application id starts nothing new',
        tags: ['loans'],
        security: callerSecurity,
        body: applicationBody,
        response: { 202: anyObject, 409: { $ref: 'Problem#' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      requireRole(caller, 'service');
      const started = await loans(caller.tenantId).apply(request.body);
      return reply.status(202).send(started);
    },
  );

  app.get<{ Params: { applicationId: string } }>(
    '/loans/:applicationId',
    { schema: { summary: 'Return where a loan application stands', tags: ['loans'], security: callerSecurity, params: applicationParams, response: { 200: anyObject, ...problemResponses } } },
    async (request) => {
      const caller = callerOf(request);
      requireRole(caller, 'service', 'underwriter');
      return loans(caller.tenantId).get(request.params.applicationId, { timeoutMs: context.queryTimeoutMs });
    },
  );

  app.get<{ Params: { applicationId: string }; Querystring: { waitMs?: string } }>(
    '/loans/:applicationId/decision',
    {
      schema: {
        summary: 'Return the decision, waiting up to waitMs for it; 202 when there is none yet',
        tags: ['loans'],
        security: callerSecurity,
        params: applicationParams,
        querystring: { type: 'object', additionalProperties: false, properties: { waitMs: { type: 'string', pattern: '^[0-9]{1,5}$', description: 'milliseconds, at most 30000' } } },
        response: { 200: anyObject, 202: anyObject, ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      requireRole(caller, 'service', 'underwriter');
      const tenantLoans = loans(caller.tenantId);
      const view = await tenantLoans.get(request.params.applicationId, { timeoutMs: context.queryTimeoutMs });
      if (view.decision) return { decided: true, decision: view.decision };
      const waitMs = Math.min(Number(request.query.waitMs ?? 0), context.maxDecisionWaitMs);
      if (waitMs === 0) return reply.status(202).send({ decided: false, stage: view.stage });
      try {
        const decision = await tenantLoans.waitForDecision(request.params.applicationId, { timeoutMs: waitMs });
        return { decided: decision.outcome !== 'manual_review', decision };
      } catch (error) {
        if (error instanceof MetisError && error.code === 'LOAN_DECISION_TIMEOUT') return reply.status(202).send({ decided: false, stage: (await tenantLoans.get(request.params.applicationId, { timeoutMs: context.queryTimeoutMs })).stage });
        throw error;
      }
    },
  );

  app.get(
    '/reviews',
    {
      schema: {
        summary: 'List the loans waiting for a manual decision, newest first, with their brief once written',
        tags: ['reviews'],
        security: callerSecurity,
        response: { 200: { type: 'object', properties: { reviews: { type: 'array', items: anyObject } } }, ...problemResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireRole(caller, 'underwriter');
      return { reviews: await loans(caller.tenantId).reviews({ limit: MAX_REVIEWS }) };
    },
  );

  app.get<{ Params: { applicationId: string } }>(
    '/reviews/:applicationId',
    { schema: { summary: 'Return one loan waiting for review, with its brief', tags: ['reviews'], security: callerSecurity, params: applicationParams, response: { 200: anyObject, ...problemResponses } } },
    async (request) => {
      const caller = callerOf(request);
      requireRole(caller, 'underwriter');
      const tenantLoans = loans(caller.tenantId);
      const view = await tenantLoans.get(request.params.applicationId, { timeoutMs: context.queryTimeoutMs });
      if (!view.proposed && !view.decision) throw notFound('the review');
      return { loan: view, brief: (await tenantLoans.brief(request.params.applicationId)) ?? null };
    },
  );

  app.post<{ Params: { applicationId: string }; Body: Omit<LoanReview, 'reviewer'> }>(
    '/reviews/:applicationId/decision',
    {
      schema: {
        summary: "Record the underwriter's decision on a loan waiting for review",
        tags: ['reviews'],
        security: callerSecurity,
        params: applicationParams,
        body: reviewBody,
        response: { 200: anyObject, 409: { $ref: 'Problem#' }, ...problemResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireRole(caller, 'underwriter');
      return loans(caller.tenantId).review(request.params.applicationId, { ...request.body, reviewer: caller.actor });
    },
  );
}
