import type { Kysely } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';

/** A workflow that failed for good. */
export interface DeadLetterInput {
  readonly tenantId: string;
  readonly workflowId: string;
  readonly workflowType: string;
  readonly runId: string;
  readonly taskQueue: string;
  /** The workflow's input, to retry it from. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly error: { readonly message: string; readonly type?: string };
  readonly attempts: number;
}

/** Dead-letter activities, as workflows see them. */
export interface DeadLetterActivities {
  /** Store a dead letter (once per run) and emit the `WORKFLOW_DEAD_LETTERED` alert. */
  recordDeadLetter(input: DeadLetterInput): Promise<{ deadLetterId: string }>;
}

/** Create the dead-letter activities. */
export function createDeadLetterActivities(deps: { readonly db: Kysely<MetisDatabase> }): DeadLetterActivities {
  return {
    async recordDeadLetter(input) {
      return withTenant(deps.db, input.tenantId, async (trx) => {
        const existing = await trx.selectFrom('dead_letters').select('dead_letter_id').where('run_id', '=', input.runId).executeTakeFirst();
        const deadLetterId =
          existing?.dead_letter_id ??
          (
            await trx
              .insertInto('dead_letters')
              .values({
                tenant_id: input.tenantId,
                workflow_id: input.workflowId,
                workflow_type: input.workflowType,
                run_id: input.runId,
                task_queue: input.taskQueue,
                input: JSON.stringify(input.input),
                error: JSON.stringify(input.error),
                attempts: input.attempts,
              })
              .returning('dead_letter_id')
              .executeTakeFirstOrThrow()
          ).dead_letter_id;
        await appendEvent(trx, input.tenantId, {
          type: 'WORKFLOW_DEAD_LETTERED',
          aggregateType: 'workflow',
          aggregateId: input.workflowId,
          payload: { workflowType: input.workflowType, runId: input.runId, error: input.error.message, deadLetterId },
          idempotencyKey: `dead-letter:${input.runId}`,
        });
        return { deadLetterId };
      });
    },
  };
}
