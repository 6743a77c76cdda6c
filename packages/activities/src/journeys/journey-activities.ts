import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { appendEvent, isEventType } from '../events/outbox.ts';
import { hashData } from '../util/canonical-json.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';

/** A JSON object, as journeys carry data. */
export type JsonRecord = Record<string, unknown>;

/** One accepted journey transition to audit and project. */
export interface RecordTransitionInput {
  readonly tenantId: string;
  readonly journeyId: string;
  readonly workflowId: string;
  readonly journeyType: string;
  readonly applicantId: string;
  readonly configVersion: string;
  /** Position of the transition in the journey (1, 2, …); the projection never moves backwards. */
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly eventType: string;
  readonly actor: string;
  /** The step's data; only its hash is stored. */
  readonly data?: JsonRecord;
  readonly status: 'active' | 'completed' | 'failed';
  /** Recording the same key twice stores one transition. */
  readonly idempotencyKey: string;
  /** Business events of the transition, written in the same transaction. */
  readonly events: readonly { readonly type: string; readonly payload: JsonRecord }[];
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
}

/** An automated state's implementation: returns the result fed back to the journey. */
export type JourneyAutomation = (input: AutomationInput) => Promise<JsonRecord>;

/** A journey event to append on its own. */
export interface JourneyEventInput {
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
  /** Run an automated state's implementation. */
  runJourneyAutomation(input: AutomationInput): Promise<JsonRecord>;
  /** Append one journey event, once. */
  emitJourneyEvent(input: JourneyEventInput): Promise<string>;
}


function eventType(name: string) {
  if (!isEventType(name)) throw ApplicationFailure.nonRetryable(`unknown event type ${name}`, 'UnknownEventType');
  return name;
}

/** Create the journey activities. */
export function createJourneyActivities(deps: JourneyActivityDeps): JourneyActivities {
  return {
    async recordJourneyTransition(input) {
      return withTenant(deps.db, input.tenantId, async (trx) => {
        // The projection first (the audit row references it); it only ever moves forward.
        await trx
          .insertInto('journeys')
          .values({
            tenant_id: input.tenantId,
            journey_id: input.journeyId,
            journey_type: input.journeyType,
            applicant_id: input.applicantId,
            workflow_id: input.workflowId,
            config_version: input.configVersion,
            state: input.to,
            status: input.status,
            last_seq: input.seq,
          })
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'journey_id'])
              .doUpdateSet({ state: input.to, status: input.status, config_version: input.configVersion, last_seq: input.seq, updated_at: new Date() })
              .where('journeys.last_seq', '<', input.seq),
          )
          .execute();
        const inserted = await trx
          .insertInto('journey_transitions')
          .values({
            tenant_id: input.tenantId,
            journey_id: input.journeyId,
            from_state: input.from,
            to_state: input.to,
            event_type: input.eventType,
            actor: input.actor,
            data_hash: input.data ? hashData(input.data) : null,
            idempotency_key: input.idempotencyKey,
          })
          .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
          .returning('transition_id')
          .executeTakeFirst();
        const duplicate = inserted === undefined;
        if (input.events.length > 0) {
          // One statement for all of the transition's events; a repeat inserts none.
          await trx
            .insertInto('events')
            .values(
              input.events.map((event, i) => ({
                tenant_id: input.tenantId,
                event_type: eventType(event.type),
                aggregate_type: 'journey',
                aggregate_id: input.journeyId,
                payload: JSON.stringify({ ...event.payload, seq: input.seq }),
                idempotency_key: `${input.idempotencyKey}:${i}:${event.type}`,
              })),
            )
            .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
            .execute();
        }
        return { duplicate };
      });
    },

    async runJourneyAutomation(input) {
      const automation = deps.automations?.[`${input.journeyType}.${input.state}`] ?? deps.automations?.[input.state];
      if (!automation) {
        throw ApplicationFailure.nonRetryable(
          `automated state ${input.journeyType}.${input.state} is not configured: pass an implementation in \`automations\` to createWorkers`,
          'AutomationNotConfigured',
        );
      }
      return automation(input);
    },

    async emitJourneyEvent(input) {
      return withTenant(deps.db, input.tenantId, (trx) =>
        appendEvent(trx, input.tenantId, {
          type: eventType(input.type),
          aggregateType: 'journey',
          aggregateId: input.journeyId,
          payload: input.payload,
          idempotencyKey: input.idempotencyKey,
        }),
      );
    },
  };
}
