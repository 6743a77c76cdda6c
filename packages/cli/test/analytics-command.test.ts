import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgDatabase, withTenant } from '@metis/activities/storage';
import { testConfig, uniqueId, uniqueTenantId } from '@metis/testing';
import { runAnalyticsCommand } from '../src/analytics-command.ts';

// `metis analytics` against the local stack: a tenant with one day of events, exported and reported.
const config = testConfig();
const tenantId = uniqueTenantId('an-cli');
const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const date = day(-3);
const db = createPgDatabase(config.database);

/** Run the command, collecting its output and the files it writes. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string; files: Map<string, string> }> {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const code = await runAnalyticsCommand(args, {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    writeFile: (path, text) => {
      files.set(path, text);
      return Promise.resolve();
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n'), files };
}

describe('metis analytics', () => {
  before(async () => {
    await withTenant(db, tenantId, async (trx) => {
      await trx.insertInto('tenants').values({ tenant_id: tenantId, display_name: 'CLI analytics', settings: '{}' }).execute();
      await trx
        .insertInto('events')
        .values([0, 1].map((i) => ({ tenant_id: tenantId, event_type: 'journey.started', aggregate_type: 'journey', aggregate_id: `j-${i}`, payload: '{}', idempotency_key: uniqueId('ev'), created_at: new Date(`${date}T08:00:0${i}Z`) })))
        .execute();
    });
  });
  after(() => db.destroy());

  test('export prints each object written; report --json has the events; --svg writes the funnel', async () => {
    const exported = await run(['export', '--date', date, '--tenant', tenantId]);
    assert.equal(exported.code, 0, exported.err);
    assert.match(exported.out, new RegExp(`${tenantId}.*events.* 2 rows`));
    const report = await run(['report', '--tenant', tenantId, '--date', date, '--json', '--svg', 'funnel.svg']);
    assert.equal(report.code, 0, report.err);
    const json = JSON.parse(report.out) as { tenantId: string; events: number };
    assert.equal(json.tenantId, tenantId);
    assert.equal(json.events, 2);
    assert.match(report.files.get('funnel.svg') ?? '', /^<svg/);
    const table = await run(['report', '--tenant', tenantId, '--date', date]);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /^events: 2$/m);
  });

  test('a missing day prints the error and exits 1; bad usage exits 2', async () => {
    const missing = await run(['report', '--tenant', tenantId, '--date', day(-30)]);
    assert.equal(missing.code, 1);
    assert.equal(missing.out, '');
    assert.match(missing.err, /^metis analytics report: no analytics export of .* for tenant /);
    assert.equal(missing.err.split('\n').length, 1);
    assert.equal((await run(['report', '--tenant', tenantId, '--date', day(3)])).code, 1);
    assert.equal((await run(['report', '--date', date])).code, 2);
    assert.equal((await run(['report', '--tenant', tenantId, '--date', '12/01/2026'])).code, 2);
    assert.equal((await run(['export', '--date', date, '--json'])).code, 2);
    assert.equal((await run(['bogus'])).code, 2);
    assert.equal((await run([])).code, 2);
  });
});
