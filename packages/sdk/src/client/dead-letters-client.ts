import type { Client } from '@temporalio/client';
import { withTenant } from '@metis/activities/storage';
import type { MetisDatabase } from '@metis/activities/storage';
import { loanProcessingWorkflow, metisSearchAttributes } from '@metis/workflows';
import type { LoanWorkflowInput } from '@metis/workflows';
import type { Kysely } from 'kysely';
import { MetisError } from '@metis/activities/errors';
import type { TenantPriority } from './fairness.ts';

/** A workflow that failed for good. */
export interface DeadLetter {
  readonly deadLetterId: string;
  readonly workflowId: string;
  readonly workflowType: string;
  readonly status: 'open' | 'retried' | 'discarded';
  readonly error: { readonly message: string; readonly type?: string };
  readonly createdAt: Date;
}

/** A tenant's dead letters. */
export interface TenantDeadLetters {
  /** List dead letters, newest first. */
  list(status?: DeadLetter['status']): Promise<DeadLetter[]>;
  /** Start the failed workflow again from its stored input; mark the dead letter retried. */
  retry(deadLetterId: string): Promise<{ workflowId: string; runId: string }>;
}

/** Create the dead-letters API of one tenant. */
export function tenantDeadLetters(client: Client, db: Kysely<MetisDatabase>, tenantId: string, priority: TenantPriority): TenantDeadLetters {
  return {
    async list(status) {
      const rows = await withTenant(db, tenantId, (trx) => {
        let q = trx.selectFrom('dead_letters').select(['dead_letter_id', 'workflow_id', 'workflow_type', 'status', 'error', 'created_at']).orderBy('created_at', 'desc');
        if (status) q = q.where('status', '=', status);
        return q.execute();
      });
      return rows.map((r) => ({
        deadLetterId: r.dead_letter_id,
        workflowId: r.workflow_id,
        workflowType: r.workflow_type,
        status: r.status,
        error: r.error as unknown as DeadLetter['error'],
        createdAt: new Date(r.created_at),
      }));
    },
    async retry(deadLetterId) {
      const row = await withTenant(db, tenantId, (trx) =>
        trx.selectFrom('dead_letters').select(['workflow_id', 'workflow_type', 'task_queue', 'input', 'status']).where('dead_letter_id', '=', deadLetterId).executeTakeFirst(),
      );
      if (!row) throw new MetisError('DEAD_LETTER_NOT_FOUND', `no dead letter ${deadLetterId}`);
      if (row.status !== 'open') throw new MetisError('DEAD_LETTER_CLOSED', `dead letter ${deadLetterId} is ${row.status}`);
      if (row.workflow_type !== 'loanProcessingWorkflow') throw new MetisError('DEAD_LETTER_UNSUPPORTED', `retrying ${row.workflow_type} is not supported`);
      const handle = await client.workflow.start(loanProcessingWorkflow, {
        workflowId: row.workflow_id,
        taskQueue: row.task_queue,
        priority: priority('default'),
        args: [row.input as unknown as LoanWorkflowInput],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        // Found by tenant from the start, like a loan started by loans.apply.
        typedSearchAttributes: metisSearchAttributes(tenantId, 'loan', 'received'),
      });
      await withTenant(db, tenantId, (trx) =>
        trx.updateTable('dead_letters').set({ status: 'retried', resolved_at: new Date() }).where('dead_letter_id', '=', deadLetterId).execute(),
      );
      return { workflowId: row.workflow_id, runId: handle.firstExecutionRunId };
    },
  };
}
