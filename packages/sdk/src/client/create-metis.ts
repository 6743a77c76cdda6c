import { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { createMetisLogger } from '@metis/activities/logging';
import { assertTenantId } from '@metis/activities/tenancy';
import { withTenant } from '@metis/activities/storage';
import { builtinJourneys, createJourney } from '@metis/fsm';
import type { Journey, JourneyConfigInput } from '@metis/fsm';
import type { LoanPolicy } from '@metis/workflows';
import { checkTaskQueuePrefixConfig } from '../config.ts';
import type { MetisConfig } from '../config.ts';
import { connectClient } from '../connect.ts';
import { TenantUnknownError } from '../errors.ts';
import { metisDataConverter } from '../codec/data-converter.ts';
import { openResources } from '../resources.ts';
import { checkFairnessWeight, tenantPriority } from './fairness.ts';
import type { TenantPriority } from './fairness.ts';
import { apiKeyResolver, checkApiKeyPepper, tenantApiKeys } from './api-keys-client.ts';
import type { ApiKeyPrincipal, TenantApiKeys } from './api-keys-client.ts';
import { recordSecurityEvent } from './security-events.ts';
import type { SecurityEvent } from './security-events.ts';
import { tenantAnalyses } from './analyses-client.ts';
import { metisAnalytics, tenantAnalytics } from './analytics-client.ts';
import type { MetisAnalytics, TenantAnalytics } from './analytics-client.ts';
import type { TenantAnalyses } from './analyses-client.ts';
import { tenantDeadLetters } from './dead-letters-client.ts';
import type { TenantDeadLetters } from './dead-letters-client.ts';
import { tenantDocuments } from './documents-client.ts';
import type { TenantDocuments } from './documents-client.ts';
import { tenantJourneys } from './journeys-client.ts';
import type { TenantJourneys } from './journeys-client.ts';
import { tenantLoans } from './loans-client.ts';
import type { TenantLoans } from './loans-client.ts';

/** A tenant this Metis instance serves. */
export interface TenantDefinition {
  /** Tenant id: 2-63 characters of a-z, 0-9 and "-". */
  readonly tenantId: string;
  /** Name shown to people. */
  readonly displayName: string;
  /** The tenant's journey configs by journey type (default: the built-in KYC and loan journeys). */
  readonly journeys?: Readonly<Record<string, JourneyConfigInput>>;
  /** How the tenant processes loans; without it `loans.apply` is refused. */
  readonly loanPolicy?: LoanPolicy;
  /** Where the tenant receives signed webhooks (used by the workers). */
  readonly webhook?: { readonly url: string; readonly secret: string };
  /** Free-form settings stored with the tenant. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Share of the task queues the tenant gets when they are backlogged, relative to other tenants: 0.001–1000, default 1. */
  readonly fairnessWeight?: number;
}

/** Options of `createMetis`. */
export interface CreateMetisOptions extends MetisConfig {
  /** Tenants served; `metis.tenant(id)` refuses any other. */
  readonly tenants: readonly TenantDefinition[];
  /** Logger of the client's own messages (default: JSON lines on stdout with PII redacted, `createMetisLogger`). */
  readonly logger?: Logger;
  /** Set `false` to start workflows without the tenant's fairness key and weight (priority keys stay); default `true`. */
  readonly fairness?: boolean;
}

/** Everything Metis offers for one tenant. */
export interface TenantClient {
  /** The tenant's id. */
  readonly tenantId: string;
  /** The tenant's documents. */
  readonly documents: TenantDocuments;
  /** The tenant's journeys. */
  readonly journeys: TenantJourneys;
  /** The tenant's loan applications. */
  readonly loans: TenantLoans;
  /** Workflows that failed for good, to inspect and retry. */
  readonly deadLetters: TenantDeadLetters;
  /** LLM analyses of applications. */
  readonly analyses: TenantAnalyses;
  /** Reports over the tenant's exported analytics. */
  readonly analytics: TenantAnalytics;
  /** The tenant's server-to-server API keys. */
  readonly apiKeys: TenantApiKeys;
}

/** The Metis client a tenant service holds. */
export interface Metis {
  /** Return the client of one configured tenant; throw `TenantUnknownError` otherwise. */
  tenant(tenantId: string): TenantClient;
  /** Create or update the configured tenants' rows (idempotent; `createMetis` does it once). */
  registerTenants(): Promise<void>;
  /** The platform-wide analytics export and its schedule. */
  readonly analytics: MetisAnalytics;
  /** Return who a presented API key speaks for: a live key of one of this client's tenants, else undefined. */
  resolveApiKey(key: string): Promise<ApiKeyPrincipal | undefined>;
  /** Append a security event to the outbox, under its tenant when this client serves it, else under the platform. */
  recordSecurityEvent(event: SecurityEvent): Promise<void>;
  /** Return the Temporal Web UI link of a workflow. */
  workflowUrl(workflowId: string): string;
  /** The Temporal client, for what the SDK does not cover. */
  readonly temporal: Client;
  /** Close connections. */
  close(): Promise<void>;
}

/** Connect to Temporal, PostgreSQL and the object store, verify all three, register the tenants, and return the client. */
export async function createMetis(options: CreateMetisOptions): Promise<Metis> {
  checkTaskQueuePrefixConfig(options.temporal.taskQueuePrefix);
  checkApiKeyPepper(options.apiKeyPepper);
  const logger = options.logger ?? createMetisLogger();
  const dataConverter = metisDataConverter(options.encryption, (message) => {
    logger.warn(message);
  });
  const tenants = new Map<string, { definition: TenantDefinition; journeys: Map<string, Journey>; priority: TenantPriority }>();
  for (const t of options.tenants) {
    assertTenantId(t.tenantId);
    const priority = tenantPriority(t.tenantId, checkFairnessWeight(t.tenantId, t.fairnessWeight), options.fairness ?? true);
    // Lint every journey up front: an invalid config fails here, not on an applicant's first step.
    const journeys = new Map(Object.entries(t.journeys ?? builtinJourneys).map(([type, config]) => [type, createJourney(config)] as const));
    tenants.set(t.tenantId, { definition: t, journeys, priority });
  }
  const [connecting, opening] = await Promise.allSettled([connectClient(options.temporal), openResources(options)]);
  if (connecting.status === 'rejected' || opening.status === 'rejected') {
    if (connecting.status === 'fulfilled') await connecting.value.close();
    if (opening.status === 'fulfilled') await opening.value.close();
    throw connecting.status === 'rejected' ? connecting.reason : (opening as PromiseRejectedResult).reason;
  }
  const connection = connecting.value;
  const resources = opening.value;
  const client = new Client({
    connection,
    namespace: options.temporal.namespace,
    dataConverter,
  });
  const prefix = options.temporal.taskQueuePrefix;
  const clients = new Map<string, TenantClient>();
  const serves = (tenantId: string): boolean => tenants.has(tenantId);
  const resolveApiKey = apiKeyResolver(resources.db, options.apiKeyPepper, serves, (error) => {
    logger.warn('could not record when an API key was last used', { error: error instanceof Error ? error.message : String(error) });
  });

  const registerTenants = async (): Promise<void> => {
    for (const { definition: t } of tenants.values()) {
      const settings = JSON.stringify(t.settings ?? {});
      await withTenant(resources.db, t.tenantId, (trx) =>
        trx
          .insertInto('tenants')
          .values({ tenant_id: t.tenantId, display_name: t.displayName, settings })
          .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ display_name: t.displayName, settings, updated_at: new Date() }))
          .execute(),
      );
    }
  };
  try {
    await registerTenants();
  } catch (error) {
    await connection.close();
    await resources.close();
    throw error;
  }

  return {
    tenant(tenantId) {
      const entry = tenants.get(tenantId);
      if (!entry) throw new TenantUnknownError(tenantId);
      let c = clients.get(tenantId);
      if (!c) {
        const { priority } = entry;
        const documents = tenantDocuments(client, resources.objects, resources.db, tenantId, prefix, priority);
        c = {
          tenantId,
          documents,
          journeys: tenantJourneys(client, tenantId, entry.journeys, prefix, documents, priority, entry.definition.loanPolicy),
          loans: tenantLoans(client, resources.db, tenantId, entry.definition.loanPolicy, prefix, priority),
          deadLetters: tenantDeadLetters(client, resources.db, tenantId, priority),
          analyses: tenantAnalyses(client, tenantId, prefix, priority),
          analytics: tenantAnalytics(client, tenantId, prefix, priority),
          apiKeys: tenantApiKeys(resources.db, options.apiKeyPepper, tenantId),
        };
        clients.set(tenantId, c);
      }
      return c;
    },
    registerTenants,
    analytics: metisAnalytics(client, prefix),
    resolveApiKey,
    recordSecurityEvent: (event) => recordSecurityEvent(resources.db, serves, event),
    workflowUrl(workflowId) {
      return `${options.temporal.webUiUrl}/namespaces/${options.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
    },
    temporal: client,
    async close() {
      await connection.close();
      await resources.close();
    },
  };
}
