// A worker process of the fault suite: the Metis pools for both sample tenants, with the loan
// services against the simulators of the test process and the test implementation of document
// verification, until it is killed. Prints `worker ready` once it polls.
import { createWorkers } from '@metis/worker';
import { testConfig } from '@metis/testing';
import { verifyDocumentsForTests } from '../../test/journey-fixtures.ts';
import { loanServices, testTenant } from '../../test/support/loan-services.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const webhook = { url: env('CHAOS_WEBHOOK_URL'), secret: env('CHAOS_WEBHOOK_SECRET') };
const workers = await createWorkers({
  config: testConfig({ temporal: { taskQueuePrefix: env('CHAOS_TASK_QUEUE_PREFIX') } }),
  tenants: [testTenant('acme', webhook), testTenant('zenith', webhook)],
  activities: { verifyJourneyDocuments: verifyDocumentsForTests },
  services: loanServices({ bureauA: env('CHAOS_BUREAU_A'), bureauB: env('CHAOS_BUREAU_B'), payments: env('CHAOS_PAYMENTS'), paymentsKey: env('CHAOS_PAYMENTS_KEY') }),
});
process.stdout.write(`worker ready ${process.pid}\n`);
await workers.done;
