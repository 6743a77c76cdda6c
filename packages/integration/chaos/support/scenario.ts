// The shape every fault test shares: plan the load, drive it, inject the fault once it is
// mid-flight, wait until everything has settled, check the invariants and print the table row.
import assert from 'node:assert/strict';
import type { Chaos } from './harness.ts';
import { chaosLoads, seconds, sleep, tableRow } from './harness.ts';
import { checkInvariants, describeChecked, settledCounts, waitSettled } from './invariants.ts';
import type { Checked } from './invariants.ts';
import { driveLoad, planJourneys, planLoans, runId } from './load.ts';
import type { Load, LoadOptions, PlannedJourney, PlannedLoan } from './load.ts';

/** Where the load stood when the fault was injected. */
export interface AtFault {
  readonly decided: number;
  readonly journeysDone: number;
  readonly journeySteps: number;
}

/** A fault test. */
export interface Scenario {
  /** Name in the table's first column. */
  readonly fault: string;
  /** What was checked besides the common invariants (table column). */
  readonly checks?: string;
  /** Loans and journeys (default CHAOS_LOADS, else 200). */
  readonly count?: number;
  /** Journeys upload their PAN image to the object store. */
  readonly uploads?: boolean;
  /** Share of loans decided before the fault is injected (default 0.15). */
  readonly at?: number;
  readonly load?: LoadOptions;
  /** Start the workers the load runs on. */
  setup(chaos: Chaos): Promise<void>;
  /** Inject the fault (and end it); return what was injected, for the table. */
  inject(chaos: Chaos, load: Load, at: AtFault): Promise<string>;
  /** Extra checks after the common ones; return a note for the counts column. */
  verify?(chaos: Chaos, load: Load, checked: Checked): Promise<string>;
  /** How long everything may take to settle after the fault (default 240 s). */
  readonly settleMs?: number;
}

/** Run a scenario on `chaos`. */
export async function runScenario(chaos: Chaos, scenario: Scenario): Promise<void> {
  const start = Date.now();
  const count = scenario.count ?? chaosLoads();
  const run = runId(scenario.fault.replace(/[^a-z]+/gi, '-').toLowerCase().slice(0, 12));
  const journeys: PlannedJourney[] = planJourneys(run, count, scenario.uploads ?? false);
  const loans: PlannedLoan[] = planLoans(run, count);
  await scenario.setup(chaos);
  const load = driveLoad(chaos, journeys, loans, scenario.load);
  const target = Math.max(3, Math.floor(count * (scenario.at ?? 0.15)));
  let at: AtFault = { decided: 0, journeysDone: 0, journeySteps: 0 };
  for (const deadline = Date.now() + 120_000; ; ) {
    at = await settledCounts(chaos, journeys, loans);
    if (at.decided >= target) break;
    if (Date.now() > deadline) throw new Error(`the load did not reach ${target} decisions in 120 s (${at.decided})`);
    await sleep(200);
  }
  assert.ok(at.decided < count, `the fault comes mid-flight (${at.decided}/${count} decided)`);
  const faultAt = Date.now();
  const injected = await scenario.inject(chaos, load, at);
  await load.driven;
  await waitSettled(chaos, journeys, loans, scenario.settleMs ?? 240_000);
  const settled = Date.now();
  const checked = await checkInvariants(chaos, journeys, loans);
  const extra = scenario.verify ? await scenario.verify(chaos, load, checked) : '';
  const retried = [...load.progress.errors].map(([name, n]) => `${n}× ${name}`).join(', ');
  tableRow({
    fault: scenario.fault,
    load: `${count} loans + ${count} journeys, acme and zenith`,
    injected: `${injected} (at ${at.decided}/${count} loans decided, ${at.journeysDone}/${count} journeys done)`,
    checked: `decided once, no duplicate decision/payout/notification, nothing lost, audit seq 1..n, projection = workflow${scenario.checks ? `; ${scenario.checks}` : ''}`,
    counts: `${describeChecked(checked)}; ${load.progress.retries} client retries${retried ? ` (${retried})` : ''}${extra ? `; ${extra}` : ''}; settled ${((settled - faultAt) / 1000).toFixed(1)} s after the fault, ${seconds(start)} in all`,
  });
  assert.deepEqual(checked.violations.slice(0, 20), [], `${checked.violations.length} violations`);
}
