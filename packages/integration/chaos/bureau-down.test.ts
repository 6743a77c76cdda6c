// Fault: the first credit bureau of the waterfall goes down mid-flight, then comes back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withTenant } from '@metis/activities/storage';
import type { LoanView } from '@metis/sdk';
import { loanWorkflowId } from '@metis/workflows';
import { seconds, sleep, startChaos } from './support/harness.ts';
import type { Chaos } from './support/harness.ts';
import { pool, TENANTS, tenantId } from './support/load.ts';
import { runScenario } from './support/scenario.ts';

const OUTAGE_MS = 8_000;

describe('fault: a credit bureau down, then back', () => {
  let chaos: Chaos;
  before(async () => {
    chaos = await startChaos('bureau');
  });
  after(async () => {
    await chaos?.close();
  });

  test('the breaker opens, the waterfall serves from the other bureau, half-open recovery closes it', { timeout: 600_000 }, async () => {
    const since = new Date();
    let during = { alphaRequests: 0, betaServed: 0 };
    await runScenario(chaos, {
      fault: 'credit bureau down',
      checks: "breaker opened and closed again per tenant (PROVIDER_ALPHA_UNHEALTHY then _HEALTHY), few requests reach the bureau while open, the other bureau serves meanwhile, no loan sent to review",
      setup: async (c) => {
        await c.startWorker('only');
      },
      async inject(c) {
        const { bureauA, bureauB } = c.world;
        const a0 = bureauA.stats().requests;
        const b0 = bureauB.stats().served;
        const start = Date.now();
        await bureauA.setFaults({ down: '503' });
        await sleep(OUTAGE_MS);
        during = { alphaRequests: bureauA.stats().requests - a0, betaServed: bureauB.stats().served - b0 };
        await bureauA.clearFaults();
        return `bureau alpha (first of the waterfall) answering 503 for ${seconds(start)}`;
      },
      async verify(c, load) {
        // While open, the breaker lets through only the requests that open it and a probe per reset timeout (2 s).
        const bound = TENANTS.length * (3 + Math.ceil(OUTAGE_MS / 2_000) + 2);
        assert.ok(during.betaServed >= 5, `the other bureau served during the outage (${during.betaServed})`);
        assert.ok(during.alphaRequests <= bound, `${during.alphaRequests} requests reached the bureau while it was down (at most ${bound} with the breaker open)`);
        for (const tenant of TENANTS) {
          const events = await withTenant(c.db, tenantId(tenant), (trx) =>
            trx.selectFrom('events').select(['event_type', 'created_at']).where('aggregate_type', '=', 'bureau-provider').where('aggregate_id', '=', 'alpha').where('created_at', '>=', since).orderBy('created_at').execute(),
          );
          const types = events.map((e) => e.event_type);
          assert.ok(types.includes('PROVIDER_ALPHA_UNHEALTHY'), `${tenant}: the breaker opened (${types.join(', ')})`);
          assert.equal(types.at(-1), 'PROVIDER_ALPHA_HEALTHY', `${tenant}: the breaker closed again after a half-open probe (${types.join(', ')})`);
        }
        const providers = new Map<string, number>();
        await pool(load.loans, 8, async (l) => {
          const view = (await c.metis.temporal.workflow.getHandle(loanWorkflowId(tenantId(l.tenant), l.application.applicationId)).result()) as LoanView;
          const provider = view.credit?.provider ?? 'none';
          providers.set(provider, (providers.get(provider) ?? 0) + 1);
        });
        assert.ok((providers.get('beta') ?? 0) > 0 && (providers.get('alpha') ?? 0) > 0, `both bureaus served: ${JSON.stringify([...providers])}`);
        assert.equal(providers.get('none'), undefined, 'every loan had a credit report');
        return `while down: ${during.alphaRequests} requests reached alpha, beta served ${during.betaServed}; reports by bureau ${[...providers].map(([p, n]) => `${p} ${n}`).join(', ')}`;
      },
    });
  });
});
