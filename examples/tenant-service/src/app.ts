// The tenant service as a Fastify instance: schema-validated /v1 routes behind authentication and
// rate limits, the OpenAPI document at /openapi.json and /docs, problem+json errors, the pages.
import { existsSync } from 'node:fs';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JourneyConfigInput } from '@metis/fsm';
import type { TenantDefinition, TokenVerifier } from '@metis/sdk';
import type { ServiceClient } from './context.ts';
import { createAuthenticator } from './credentials.ts';
import { Problem, problemSchema, sendProblem, toProblem } from './problems.ts';
import { deadLetterRoutes } from './routes/dead-letters.ts';
import { documentRoutes } from './routes/documents.ts';
import { journeyRoutes } from './routes/journeys.ts';
import { loanRoutes } from './routes/loans.ts';

/** Size and rate limits of the service. */
export interface ServiceLimits {
  /** Largest JSON body, in bytes. */
  readonly bodyBytes: number;
  /** Largest uploaded file, in bytes. */
  readonly fileBytes: number;
  /** Most files in one request. */
  readonly files: number;
  /** Requests one credential (key or token subject) may make per window. */
  readonly perCaller: number;
  /** Requests all of a tenant's credentials may make per window. */
  readonly perTenant: number;
  /** Requests one address may make per window before any credential is checked. */
  readonly perAddress: number;
  /** The rate limits' window, in milliseconds. */
  readonly windowMs: number;
  /** Longest wait for a loan decision in one request, in milliseconds. */
  readonly decisionWaitMs: number;
  /** Longest a workflow may take to answer a query (a 503 after it), in milliseconds. */
  readonly queryMs: number;
}

/** The limits a service gets unless told otherwise. */
export const DEFAULT_LIMITS = {
  bodyBytes: 256 * 1024,
  fileBytes: 8 * 1024 * 1024,
  files: 4,
  perCaller: 600,
  perTenant: 3000,
  perAddress: 3000,
  windowMs: 60_000,
  decisionWaitMs: 30_000,
  queryMs: 5_000,
} as const satisfies ServiceLimits;

/** What {@link buildService} needs. */
export interface ServiceOptions {
  /** The Metis client. */
  readonly metis: ServiceClient;
  /** The tenants the client serves, with their journey configs. */
  readonly tenants: readonly TenantDefinition[];
  /** Verifier of people's bearer tokens. */
  readonly verifyToken: TokenVerifier;
  readonly limits?: Partial<ServiceLimits>;
  /** Folder of the built pages (served at `/app/` and `/underwriter/`), when built. */
  readonly webRoot?: string;
  /** Log requests (default true; JSON lines, credentials redacted). */
  readonly logger?: boolean;
  /** Level of the request log (default METIS_LOG_LEVEL or info). */
  readonly logLevel?: string;
  /** Trust `X-Forwarded-For` from this proxy (Fastify's `trustProxy`: true, or its addresses and CIDRs, comma-separated); default none. */
  readonly trustProxy?: boolean | string;
  /** Where log lines go (default stdout). */
  readonly logDestination?: { write(line: string): void };
}

const REDACTED = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'];

function rateLimitProblem(context: { after: string }): Problem {
  return new Problem(429, 'RATE_LIMIT_EXCEEDED', `too many requests; retry in ${context.after}`);
}

/** Build the service: routes, authentication, limits, contract and pages; not yet listening. */
export async function buildService(options: ServiceOptions): Promise<FastifyInstance> {
  const limits: ServiceLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const app = Fastify({
    bodyLimit: limits.bodyBytes,
    trustProxy: options.trustProxy ?? false,
    logger:
      options.logger === false
        ? false
        : {
            level: options.logLevel ?? process.env['METIS_LOG_LEVEL'] ?? 'info',
            redact: { paths: REDACTED, censor: '[redacted]' },
            ...(options.logDestination ? { stream: options.logDestination } : {}),
          },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // Ids in paths are checked by their schemas; a path segment longer than this is refused outright.
    routerOptions: { maxParamLength: 200 },
    // Requests the router refuses (a malformed URL, a path segment too long) get a problem too.
    frameworkErrors: (error, request, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void sendProblem(request, reply, new Problem(status, 'VALIDATION_FAILED', status === 414 ? 'a path segment is too long' : 'the URL is malformed'));
    },
  });
  app.decorateRequest('caller', undefined);
  app.addSchema(problemSchema);
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new Problem(404, 'NOT_FOUND', 'no such route')));

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Metis tenant service', version: '1.0.0', description: 'KYC journeys, documents, loans, reviews and dead letters of the tenant the credential belongs to.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A server-to-server key (`metis keys create`)' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An applicant or agent token signed by the tenant’s identity provider' },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/healthz', { schema: { summary: 'Tell that the service is up', tags: ['service'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, () => ({ status: 'ok' }));

  const journeyConfigs = new Map<string, Readonly<Record<string, JourneyConfigInput>>>(options.tenants.flatMap((t) => (t.journeys ? [[t.tenantId, t.journeys] as const] : [])));
  const context = { metis: options.metis, journeyConfigs, maxDecisionWaitMs: limits.decisionWaitMs, queryTimeoutMs: limits.queryMs };
  const authenticate = createAuthenticator(options.metis, options.verifyToken);
  // One RATE_LIMIT_EXCEEDED event per limiter key and window: refusing a flood must not cost a
  // database write per refused request.
  const reported = new Map<string, number>();
  const recordExceeded = (request: FastifyRequest, scope: 'caller' | 'tenant' | 'address', key: string): void => {
    const now = Date.now();
    const last = reported.get(key);
    if (last !== undefined && now - last < limits.windowMs) return;
    reported.set(key, now);
    if (reported.size > 10_000) for (const [k, at] of reported) if (now - at >= limits.windowMs) reported.delete(k);
    const caller = request.caller;
    request.log.warn({ event: 'RATE_LIMIT_EXCEEDED', scope, tenant: caller?.tenantId, caller: caller?.id }, 'rate limit exceeded');
    options.metis
      .recordSecurityEvent({ type: 'RATE_LIMIT_EXCEEDED', ...(caller ? { tenantId: caller.tenantId } : {}), payload: { scope, method: caller?.method ?? null, caller: caller?.id ?? null, route: request.routeOptions.url ?? null } })
      .catch((failure: unknown) => request.log.error({ err: failure }, 'the RATE_LIMIT_EXCEEDED event could not be recorded'));
  };

  // The settings of one limit: its budget, what it counts by, its event and its problem.
  const limit = (scope: 'caller' | 'tenant' | 'address', max: number, keyOf: (request: FastifyRequest) => string) => ({
    max,
    timeWindow: limits.windowMs,
    keyGenerator: (request: FastifyRequest) => `${scope}:${keyOf(request)}`,
    onExceeded: (request: FastifyRequest, key: string) => recordExceeded(request, scope, key),
    errorResponseBuilder: (_request: FastifyRequest, ctx: { after: string }) => rateLimitProblem(ctx),
  });

  // One limiter per scope (the plugin runs one limit per registration): by address before the
  // credential is read, then by tenant and by caller once it is known.
  await app.register(
    async (v1) => {
      await v1.register(fastifyRateLimit, { global: false });
      v1.addHook(
        'onRequest',
        v1.rateLimit(limit('address', limits.perAddress, (request) => normalizeIP(request.ip))),
      );
      v1.addHook('onRequest', async (request) => {
        request.caller = await authenticate(request);
      });
      await v1.register(async (byTenant) => {
        // People and the lender's own keys have separate tenant budgets: applicants cannot spend the backend's.
        await byTenant.register(fastifyRateLimit, { global: true, ...limit('tenant', limits.perTenant, (request) => `${request.caller?.tenantId ?? ''}:${request.caller?.method ?? ''}`) });
        await byTenant.register(async (byCaller) => {
          await byCaller.register(fastifyRateLimit, { global: true, ...limit('caller', limits.perCaller, (request) => `${request.caller?.tenantId ?? ''}:${request.caller?.method ?? ''}:${request.caller?.id ?? ''}`) });
          await byCaller.register(fastifyMultipart, { limits: { fileSize: limits.fileBytes, files: limits.files, fields: 10, fieldSize: limits.bodyBytes, parts: limits.files + 10, headerPairs: 100 } });
          journeyRoutes(byCaller, context);
          documentRoutes(byCaller, context);
          loanRoutes(byCaller, context);
          deadLetterRoutes(byCaller, context);
        });
      });
    },
    { prefix: '/v1' },
  );

  if (options.webRoot && existsSync(options.webRoot)) {
    await app.register(fastifyStatic, {
      root: options.webRoot,
      prefix: '/',
      index: ['index.html'],
      setHeaders(reply) {
        void reply.header('content-security-policy', "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        void reply.header('x-content-type-options', 'nosniff');
      },
    });
    app.get('/', (_request, reply) => reply.redirect('/app/'));
  }
  return app;
}
