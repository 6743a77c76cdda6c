// A worker process for the crash test: runs the Metis pools with the loan services, until killed.
import { createWorkers } from '@metis/worker';
import { testConfig } from '@metis/testing';
import { loanServices, testTenant } from './loan-services.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const webhook = { url: env('LOAN_WEBHOOK_URL'), secret: env('LOAN_WEBHOOK_SECRET') };
const workers = await createWorkers({
  config: testConfig({ temporal: { taskQueuePrefix: env('LOAN_TASK_QUEUE_PREFIX') } }),
  tenants: [testTenant('acme', webhook), testTenant('zenith', webhook)],
  services: loanServices({ bureauA: env('LOAN_BUREAU_A'), bureauB: env('LOAN_BUREAU_B'), payments: env('LOAN_PAYMENTS'), paymentsKey: env('LOAN_PAYMENTS_KEY') }),
});
process.stdout.write('worker ready\n');
await workers.done;
