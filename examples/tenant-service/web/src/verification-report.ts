// The report of an automated document verification: verified or not, and each check with what
// was typed and what was read.
import { isPlainObject } from '@metis/fsm';
import type { JsonObject, JsonValue } from '@metis/fsm';
import { h, humanize } from './dom.ts';

const text = (value: JsonValue | undefined): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** Render the result of an automated state that holds verification checks, or null when it holds none. */
export function verificationReport(state: string, result: JsonObject | undefined): HTMLElement | null {
  const checks = result?.['checks'];
  if (!result || !Array.isArray(checks)) return null;
  const verified = result['verified'] === true;
  const rows = checks.filter((c): c is JsonObject => isPlainObject(c)).map((check) =>
    h(
      'tr',
      { class: check['passed'] === true ? 'passed' : 'failed', 'data-check': `${text(check['document'])}:${text(check['check'])}` },
      h('td', {}, text(check['document'])),
      h('td', {}, humanize(text(check['check']))),
      h('td', { class: 'verdict' }, check['passed'] === true ? '✓ passed' : '✗ failed'),
      h('td', {}, text(check['message'])),
    ),
  );
  const issues = Array.isArray(result['issues']) ? result['issues'].map(text).filter((i) => i !== '') : [];
  return h(
    'section',
    { id: 'report', class: 'card', 'data-state': state, 'data-verified': String(verified) },
    h('h2', {}, humanize(state)),
    h('p', { id: 'report-verdict', class: verified ? 'ok' : 'problem' }, verified ? 'Your documents are verified.' : 'Your documents could not be verified.'),
    issues.length > 0 ? h('ul', { class: 'issues' }, ...issues.map((i) => h('li', {}, i))) : null,
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Document'), h('th', {}, 'Check'), h('th', {}, 'Result'), h('th', {}, 'Detail'))), h('tbody', {}, ...rows)),
  );
}
