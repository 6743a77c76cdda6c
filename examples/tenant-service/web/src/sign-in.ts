// Sign-in for the pages: a bearer token from the URL fragment or a paste box, checked with
// GET /v1/me, which tells the tenant, the roles and, for an applicant, the applicant id.
import { ApiProblem, call, clearToken, currentToken, storeToken } from './api.ts';
import { h, show } from './dom.ts';

/** Who the token speaks for, as `GET /v1/me` answers. */
export interface Me {
  readonly tenantId: string;
  readonly method: string;
  readonly roles: readonly string[];
  readonly applicantId: string | null;
  readonly journeyTypes: readonly string[];
}

function askForToken(main: HTMLElement, error: string | undefined): Promise<void> {
  return new Promise((resolve) => {
    const box = h('textarea', { id: 'token', name: 'token', rows: '4', required: true, placeholder: 'eyJhbGciOi…', autocomplete: 'off', spellcheck: 'false' });
    const form = h(
      'form',
      { id: 'sign-in', class: 'card' },
      h('h2', {}, 'Sign in'),
      h('label', { for: 'token' }, 'Paste the token you were given'),
      box,
      error ? h('p', { class: 'problem', role: 'alert' }, error) : null,
      h('button', { type: 'submit' }, 'Sign in'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (box.value.trim() === '') return;
      storeToken(box.value);
      resolve();
    });
    show(main, form);
    box.focus();
  });
}

/** Sign in (asking for a token until the service accepts one) and show who is signed in. */
export async function signIn(main: HTMLElement, who: HTMLElement): Promise<Me> {
  let error: string | undefined;
  for (;;) {
    if (!currentToken()) await askForToken(main, error);
    try {
      const me = await call<Me>('GET', '/v1/me');
      const signOut = h('button', { type: 'button', id: 'sign-out', class: 'link' }, 'Sign out');
      signOut.addEventListener('click', () => {
        clearToken();
        location.reload();
      });
      show(who, `${me.tenantId} · ${me.applicantId ? `applicant ${me.applicantId}` : me.roles.join(', ')} `, signOut);
      return me;
    } catch (failure) {
      if (!(failure instanceof ApiProblem) || failure.problem.status !== 401) throw failure;
      clearToken();
      error = `The token was not accepted: ${failure.problem.detail}`;
    }
  }
}

/** Show a failure that stops the page. */
export function showFailure(main: HTMLElement, failure: unknown): void {
  const text = failure instanceof ApiProblem ? `${failure.problem.title}: ${failure.problem.detail}` : failure instanceof Error ? failure.message : String(failure);
  show(main, h('p', { class: 'problem', role: 'alert', id: 'failure' }, text));
}
