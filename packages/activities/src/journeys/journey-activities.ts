import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { appendEvent, isOutboxEventType } from '../events/outbox.ts';
import { hashData } from '../util/canonical-json.ts';
import type { JourneyStatus, MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';
import { assertTenantId } from '../tenancy/tenant-id.ts';

/** A JSON object, as journeys carry data. */
export type JsonRecord = Record<string, unknown>;

/** One accepted journey transition to audit and project. */
export interface RecordTransitionInput {
  readonly tenantId: string;
  readonly journeyId: string;
  readonly workflowId: string;
  readonly journeyType: string;
  readonly applicantId: string;
  /** Version of the config the transition ran under, stored in its audit row. */
  readonly configVersion: string;
  /** Position of the transition in the journey (1, 2, …): the audit row's `seq`, unique per journey; the projection never moves backwards. */
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  /** Type of the machine event that made the transition (`SUBMIT`, `TIMEOUT`, …; @metis/fsm's `JourneyEventType`). */
  readonly eventType: string;
  readonly actor: string;
  /** The step's data; only its hash is stored. */
  readonly data?: JsonRecord;
  /** The journey's status after the transition: `done` once it reaches a final state. */
  readonly status: JourneyStatus;
  /** Recording the same key twice stores one transition. */
  readonly idempotencyKey: string;
  /** Business events of the transition, written to the outbox in the same transaction. */
  readonly events: readonly BusinessEvent[];
}

/**
 * A business event for the outbox (`PAN_SUBMITTED`, `JOURNEY_COMPLETED`, …), not a machine event:
 * those are @metis/fsm's `JourneyEvent` (`SUBMIT`, `TIMEOUT`, …).
 */
export interface BusinessEvent {
  /** Outbox event type, one of `OutboxEventType`. */
  readonly type: string;
  /** Event body (no raw PII). */
  readonly payload: JsonRecord;
}

/** Work an automated state asks for. */
export interface AutomationInput {
  readonly tenantId: string;
  readonly journeyType: string;
  readonly journeyVersion: string;
  readonly applicantId: string;
  /** The automated state. */
  readonly state: string;
  /** The journey's data so far. */
  readonly data: JsonRecord;
  /** Earlier automated results, by state. */
  readonly results: Readonly<Record<string, JsonRecord>>;
  /** The automation the state names in its config, with its params; it is looked up by that name first. */
  readonly automation?: { readonly name: string; readonly params: JsonRecord };
}

/** Which journey of an applicant to read the status of. */
export interface JourneyStatusInput {
  readonly tenantId: string;
  readonly journeyType: string;
  readonly applicantId: string;
}

/** What the worker gives an automation besides its input. */
export interface AutomationContext {
  /**
   * Aborted when the attempt is cancelled: the state's timeout expired, the journey ended, or the
   * worker is shutting down. Pass it to `fetch` and other cancellable calls, or check `aborted`
   * between steps; an automation that ignores it is no longer waited for once it fires (its
   * result is dropped). The reason is Temporal's `CancelledFailure`.
   */
  readonly signal: AbortSignal;
}

/**
 * An automated state's implementation: returns the result fed back to the journey.
 *
 * The worker heartbeats for it while it runs, so it may take as long as the state's `timeout`
 * (5 minutes per attempt when the state has none). `context` is always passed by the worker; it is
 * optional in the type only so that existing code calling an automation with one argument compiles.
 */
export type JourneyAutomation = (input: AutomationInput, context?: AutomationContext) => Promise<JsonRecord>;

/** Heartbeat at least this often while an automation runs (more often under a shorter heartbeat timeout). */
const AUTOMATION_HEARTBEAT_INTERVAL_MS = 10_000;

/** A business event of a journey to append to the outbox on its own (e.g. `JOURNEY_MIGRATED`). */
export interface BusinessEventInput {
  readonly tenantId: string;
  readonly journeyId: string;
  readonly type: string;
  readonly payload: JsonRecord;
  readonly idempotencyKey: string;
}

/** Dependencies of the journey activities. */
export interface JourneyActivityDeps {
  /** Database, as the application role. */
  readonly db: Kysely<MetisDatabase>;
  /** Implementations of automated states, by `{journeyType}.{state}` or by `{state}`. */
  readonly automations?: Readonly<Record<string, JourneyAutomation>>;
}

/** Journey activities, as workflows see them. */
export interface JourneyActivities {
  /** Write the audit row, move the projection forward and append the events, in one transaction, once. */
  recordJourneyTransition(input: RecordTransitionInput): Promise<{ duplicate: boolean }>;
  /** Return the status of an applicant's journey from the projection (`active`, `done`, …), or `not_started`. */
  readJourneyStatus(input: JourneyStatusInput): Promise<string>;
  /** Run an automated state's implementation, heartbeating while it runs; ends as cancelled when the attempt is cancelled. */
  runJourneyAutomation(input: AutomationInput): Promise<JsonRecord>;
  /**
   * Append one business event of a journey to the outbox, once. (The activity keeps its registered
   * name: renaming a registered activity breaks the replay of journeys that scheduled it.)
   */
  emitJourneyEvent(input: BusinessEventInput): Promise<string>;
}

function outboxEventType(name: string) {
  if (!isOutboxEventType(name)) throw ApplicationFailure.nonRetryable(`unknown event type ${name}`, 'UnknownEventType');
  return name;
}

function heartbeatInterval(heartbeatTimeoutMs: number | undefined): number {
  if (heartbeatTimeoutMs === undefined || heartbeatTimeoutMs <= 0) return AUTOMATION_HEARTBEAT_INTERVAL_MS;
  return Math.max(100, Math.min(AUTOMATION_HEARTBEAT_INTERVAL_MS, Math.floor(heartbeatTimeoutMs / 3)));
}

/** Create the journey activities. */
export function createJourneyActivities(deps: JourneyActivityDeps): JourneyActivities {
  return {
    async recordJourneyTransition(input) {
      assertTenantId(input.tenantId);
      // One call does the projection, the audit row and the events in one transaction (migration
      // 0005): a step waits for one database round trip.
      const call = {
        tenant_id: input.tenantId,
        journey_id: input.journeyId,
        journey_type: input.journeyType,
        applicant_id: input.applicantId,
        workflow_id: input.workflowId,
        config_version: input.configVersion,
        seq: input.seq,
        from_state: input.from,
        to_state: input.to,
        event_type: input.eventType,
        actor: input.actor,
        status: input.status,
        data_hash: input.data ? hashData(input.data) : null,
        idempotency_key: input.idempotencyKey,
        events: input.events.map((event, i) => ({
          event_type: outboxEventType(event.type),
          payload: { ...event.payload, seq: input.seq },
          idempotency_key: `${input.idempotencyKey}:${i}:${event.type}`,
        })),
      };
      const { rows } = await sql<{ duplicate: boolean }>`select metis_record_journey_transition(${JSON.stringify(call)}::jsonb) as duplicate`.execute(deps.db);
      return { duplicate: rows[0]?.duplicate === true };
    },

    async readJourneyStatus(input) {
      const row = await withTenant(deps.db, input.tenantId, (trx) =>
        trx.selectFrom('journeys').select('status').where('journey_type', '=', input.journeyType).where('applicant_id', '=', input.applicantId).executeTakeFirst(),
      );
      return row?.status ?? 'not_started';
    },

    async runJourneyAutomation(input) {
      const named = input.automation?.name;
      const automation = named ? deps.automations?.[named] : (deps.automations?.[`${input.journeyType}.${input.state}`] ?? deps.automations?.[input.state]);
      if (!automation) {
        throw ApplicationFailure.nonRetryable(
          named
            ? `automation ${named} of state ${input.journeyType}.${input.state} is not configured: pass an implementation named ${named} in \`automations\` to createWorkers`
            : `automated state ${input.journeyType}.${input.state} is not configured: pass an implementation in \`automations\` to createWorkers`,
          'AutomationNotConfigured',
        );
      }
      const ctx = Context.current();
      // Tenant code may take minutes: beat well inside the heartbeat timeout so a live attempt never
      // times out, and so the cancellation of the attempt (which arrives with a heartbeat's
      // response) reaches the automation's signal.
      const every = heartbeatInterval(ctx.info.heartbeatTimeoutMs);
      const timer = setInterval(() => ctx.heartbeat(), every);
      try {
        ctx.heartbeat();
        // Once cancelled the attempt ends with Temporal's CancelledFailure even if the automation
        // ignores its signal, so a cancelled attempt never holds the activity slot.
        return await Promise.race([automation(input, { signal: ctx.cancellationSignal }), ctx.cancelled]);
      } catch (error) {
        // An automation that stops on its signal (e.g. with an AbortError) ends as cancelled, too.
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        throw error;
      } finally {
        clearInterval(timer);
      }
    },

    async emitJourneyEvent(input) {
      return withTenant(deps.db, input.tenantId, (trx) =>
        appendEvent(trx, input.tenantId, {
          type: outboxEventType(input.type),
          aggregateType: 'journey',
          aggregateId: input.journeyId,
          payload: input.payload,
          idempotencyKey: input.idempotencyKey,
        }),
      );
    },
  };
}
