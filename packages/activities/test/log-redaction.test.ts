import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { createMetisLogger, createRedactor, redactText } from '@metis/activities/logging';

/** A destination that keeps every line written to it. */
function capture(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => void lines.push(...chunk.split('\n').filter((l) => l.length > 0)) };
}

const redactor = createRedactor(['name', 'date_of_birth', 'address', 'email', 'phone']);

test('compound credential keys are redacted; counts under them are not', () => {
  assert.deepEqual(
    redactor.value({
      'x-api-key': 'k-1',
      clientSecret: 's-1',
      sessionToken: 't-1',
      'set-cookie': ['a=1'],
      setCookie: 'a=1',
      payloadKey: 'p-1',
      bearer: 'b-1',
      'Proxy-Authorization': 'Basic x',
      privateKey: { pem: 'x' },
      promptTokens: 120,
      tokenCount: 3,
      keyboard: 'qwerty',
      tokenizer: 'bpe',
    }),
    {
      'x-api-key': '[REDACTED]',
      clientSecret: '[REDACTED]',
      sessionToken: '[REDACTED]',
      'set-cookie': '[REDACTED]',
      setCookie: '[REDACTED]',
      payloadKey: '[REDACTED]',
      bearer: '[REDACTED]',
      'Proxy-Authorization': '[REDACTED]',
      privateKey: '[REDACTED]',
      promptTokens: 120,
      tokenCount: 3,
      keyboard: 'qwerty',
      tokenizer: '[REDACTED]',
    },
  );
  assert.equal(redactor.isSensitiveKey('X-Api-Key'), true);
  assert.equal(redactor.isSensitiveKey('requestId'), false);
});

test('a string that is JSON is parsed and redacted like metadata, keys normalised, whatever the shape', () => {
  assert.equal(redactor.text('{"dateOfBirth":"1990-01-01","amount":5}'), '{"dateOfBirth":"[REDACTED]","amount":5}');
  assert.equal(
    redactor.text('{"name":["Ravi","K"],"address":{"line1":"12 MG Road","city":"Pune"},"kind":"pan","Client-Secret":"x"}'),
    '{"name":"[REDACTED]","address":"[REDACTED]","kind":"pan","Client-Secret":"[REDACTED]"}',
  );
  assert.equal(redactor.text(' [{"email":"a@b.in"}, {"note":"PAN abcde1234f"}] '), '[{"email":"[REDACTED]"},{"note":"PAN [REDACTED:pan]"}]');
  // JSON encoded twice: a JSON string holding JSON.
  assert.equal(redactor.text('"{\\"name\\":\\"Ravi Kumar\\",\\"step\\":2}"'), '"{\\"name\\":\\"[REDACTED]\\",\\"step\\":2}"');
  assert.deepEqual(redactor.value({ body: '{"dateOfBirth":"1990-01-01"}' }), { body: '{"dateOfBirth":"[REDACTED]"}' });
});

test('JSON inside other text: members under sensitive keys go, quoted once or twice, with array and object values', () => {
  assert.equal(
    redactor.text('bureau said 400: {"dateOfBirth":"1990-01-01","name":["Ravi","K"],"address":{"city":"Pune","pin":[411001]},"ok":false} (retrying)'),
    'bureau said 400: {"dateOfBirth":"[REDACTED]","name":"[REDACTED]","address":"[REDACTED]","ok":false} (retrying)',
  );
  assert.equal(
    redactor.text('Error: request failed {\\"name\\":\\"Ravi \\\\\\"RK\\\\\\" Kumar\\",\\"date_of_birth\\":\\"1990-01-01\\",\\"step\\":2} at x'),
    'Error: request failed {\\"name\\":\\"[REDACTED]\\",\\"date_of_birth\\":\\"[REDACTED]\\",\\"step\\":2} at x',
  );
  assert.equal(redactor.text('cut short: {"address": {"city": "Pu'), 'cut short: {"address": "[REDACTED]"');
  assert.equal(redactor.text('{"sessionToken": "t-1", "inputTokens": 12, "x": 1'), '{"sessionToken": "[REDACTED]", "inputTokens": 12, "x": 1');
});

test('an error of another realm keeps its name, message and stack, redacted, and not its own fields', () => {
  const error = runInNewContext('const e = new TypeError("no applicant 9876543210"); e.applicant = "Ravi Kumar"; e.code = "E_LOOKUP"; e') as Error;
  assert.equal(error instanceof Error, false);
  const record = redactor.value({ error }) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(record.error), ['type', 'message', 'code', 'stack']);
  assert.equal(record.error['type'], 'TypeError');
  assert.equal(record.error['message'], 'no applicant [REDACTED:phone]');
  assert.equal(record.error['code'], 'E_LOOKUP');
  assert.equal(String(record.error['stack']).split('\n')[0], 'TypeError: no applicant [REDACTED:phone]');
  const local = Object.assign(new Error('for a@b.in', { cause: new RangeError('PAN ABCDE1234F') }), { details: { note: 'x' } });
  assert.deepEqual(
    (redactor.value({ local }) as { local: Record<string, unknown> }).local['cause'],
    { type: 'RangeError', message: 'PAN [REDACTED:pan]', stack: (redactor.value({ s: local.cause }) as { s: { stack: string } }).s.stack },
  );
  assert.equal(JSON.stringify(redactor.value({ local })).includes('details'), false);
});

test('metadata keys pino writes itself are renamed, not written twice', () => {
  const out = capture();
  const log = createMetisLogger({ level: 'info', destination: out, bindings: { service: 'w', pid: 'theirs' } });
  log.info('m', { level: 'high', time: 5, msg: 'inner', pid: 7, hostname: 'h', meta_level: 'x', other: 1 });
  log.child({ time: 'child', step: 1 }).info('c', { step: 2, service: 'mine' });
  log.flush();
  const keys = (line: string): string[] => [...line.matchAll(/"([a-z_]+)":/g)].map((m) => m[1] ?? '');
  for (const line of out.lines) assert.equal(new Set(keys(line)).size, keys(line).length, line);
  const first = JSON.parse(out.lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(first['level'], 'info');
  assert.equal(first['msg'], 'm');
  assert.equal(first['pid'], process.pid);
  assert.equal(first['meta_pid'], 'theirs');
  assert.equal(first['meta_meta_pid'], 7);
  assert.equal(first['meta_level'], 'x');
  assert.equal(first['meta_meta_level'], 'high');
  assert.equal(first['meta_time'], 5);
  assert.equal(first['meta_msg'], 'inner');
  assert.equal(first['meta_hostname'], 'h');
  assert.equal(first['other'], 1);
  const second = JSON.parse(out.lines[1] ?? '{}') as Record<string, unknown>;
  assert.equal(second['meta_time'], 'child');
  assert.equal(second['step'], 1);
  assert.equal(second['meta_step'], 2);
  assert.equal(second['meta_service'], 'mine');
  assert.equal(second['service'], 'w');
  assert.equal(typeof second['time'], 'string');
});

test('ids stay correlatable; e-mail, PAN and phone or Aadhaar numbers standing apart are still redacted in them', () => {
  assert.deepEqual(
    redactor.value({
      workflowId: 'journey:acme:kyc:cust-9876543210',
      runId: '1b2c3d4e-5f60-4a1b-8c2d-612345678901',
      activityId: '7',
      taskQueue: 'metis-acme-9876543210',
      taskToken: 'CiQ5ODc2NTQzMjEw',
      applicantId: '9876543210',
      customer_id: 'cust-a@b.in',
      parentWorkflowId: 'journey:acme:kyc:ABCDE1234F',
      loanId: 'loan:2345 6789 0123',
      paid: '9876543210',
    }),
    {
      workflowId: 'journey:acme:kyc:cust-9876543210',
      runId: '1b2c3d4e-5f60-4a1b-8c2d-612345678901',
      activityId: '7',
      taskQueue: 'metis-acme-9876543210',
      taskToken: 'CiQ5ODc2NTQzMjEw',
      applicantId: '[REDACTED:phone]',
      customer_id: '[REDACTED:email]',
      parentWorkflowId: 'journey:acme:kyc:[REDACTED:pan]',
      loanId: 'loan:[REDACTED:aadhaar]',
      paid: '[REDACTED:phone]',
    },
  );
  // Outside ids a UUID is still left alone.
  assert.equal(redactText('run 1b2c3d4e-5f60-4a1b-8c2d-612345678901 failed'), 'run 1b2c3d4e-5f60-4a1b-8c2d-612345678901 failed');
});

test('numbers are redacted only under phone or Aadhaar keys', () => {
  assert.deepEqual(
    redactor.value({
      bytes: 8123456789,
      durationNs: 234567890123,
      at: 1764590400000,
      alternateMobile: 9876543210,
      aadhaarLast: 234567890123,
      phones: [9876543210, 42],
      phoneCount: 2,
      big: 8123456789n,
    }),
    {
      bytes: 8123456789,
      durationNs: 234567890123,
      at: 1764590400000,
      alternateMobile: '[REDACTED:phone]',
      aadhaarLast: '[REDACTED:aadhaar]',
      phones: ['[REDACTED:phone]', 42],
      phoneCount: 2,
      big: '8123456789',
    },
  );
});

test('PAN in any case or spaced, URL-encoded e-mail, phones grouped 5-5 or 3-3-4', () => {
  const cases: [string, string][] = [
    ['pan abcde1234f', 'pan [REDACTED:pan]'],
    ['pan ABCDE 1234 F', 'pan [REDACTED:pan]'],
    ['pan ABCDE-1234-F.', 'pan [REDACTED:pan].'],
    ['found 1234 a problem', 'found 1234 a problem'],
    ['mailto=a%40b.in&x=1', 'mailto=[REDACTED:email]&x=1'],
    ['to rahul.sharma+kyc@example.co.in.', 'to [REDACTED:email].'],
    ['call 98765 43210', 'call [REDACTED:phone]'],
    ['call 987-654-3210', 'call [REDACTED:phone]'],
    ['call 987 654 3210', 'call [REDACTED:phone]'],
    ['call +91-98765-43210', 'call [REDACTED:phone]'],
    ['call +91 9876543210 or 09876543210', 'call [REDACTED:phone] or [REDACTED:phone]'],
    ['aadhaar 2345-6789-0123', 'aadhaar [REDACTED:aadhaar]'],
    ['took 12345 ms for 3 files, 98765432101 is 11 digits', 'took 12345 ms for 3 files, 98765432101 is 11 digits'],
  ];
  for (const [input, expected] of cases) assert.equal(redactText(input), expected, input);
});

test('long lines without a match are scanned quickly', () => {
  const lines = ['a'.repeat(200_000), `${'a.'.repeat(100_000)}@`, `${'1'.repeat(100_000)}`, `{${'"k":['.repeat(20_000)}`, `${'\\"name\\":'.repeat(20_000)}`];
  for (const line of lines) {
    const started = process.hrtime.bigint();
    redactor.text(line);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 500, `${line.slice(0, 20)}…: ${ms} ms`);
  }
});
