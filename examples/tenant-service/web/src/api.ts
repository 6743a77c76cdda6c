// Requests to the service: the bearer token (from the URL fragment, the session or a paste box)
// on every one, JSON or multipart bodies, and problem+json refusals as typed errors.

const TOKEN_KEY = 'metis.token';

/** One field's error in a problem body. */
export interface FieldProblem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** A refusal from the service (application/problem+json), or one made up for a network failure. */
export interface ProblemBody {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly reason?: string;
  readonly errors?: readonly FieldProblem[];
}

/** A request the service refused. */
export class ApiProblem extends Error {
  readonly problem: ProblemBody;

  constructor(problem: ProblemBody) {
    super(problem.detail);
    this.name = 'ApiProblem';
    this.problem = problem;
  }
}

/** Take the token from the URL fragment (`#token=…`, then cleared) into the session, and return the session's token. */
export function currentToken(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get('token');
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given.trim());
    history.replaceState(null, '', `${location.pathname}${location.search}`);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keep a pasted token for this tab's session. */
export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
}

/** Forget the session's token. */
export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** What a request sends: nothing, a JSON value or a multipart form. */
export type RequestBody = { readonly json: unknown } | { readonly form: FormData } | undefined;

async function problemOf(response: Response): Promise<ProblemBody> {
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body = JSON.parse(text) as Partial<ProblemBody>;
      if (typeof body.code === 'string' && typeof body.detail === 'string') {
        return { status: response.status, code: body.code, title: body.title ?? response.statusText, detail: body.detail, ...(body.reason ? { reason: body.reason } : {}), ...(body.errors ? { errors: body.errors } : {}) };
      }
    } catch {
      // Not JSON after all: described below.
    }
  }
  return { status: response.status, code: `HTTP_${response.status}`, title: response.statusText, detail: text.slice(0, 300) || response.statusText };
}

/** Send a request to the service with the session's token; throw `ApiProblem` when it is refused. */
export async function call<T>(method: 'GET' | 'POST', path: string, body?: RequestBody): Promise<T> {
  const headers = new Headers({ accept: 'application/json' });
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.set('authorization', `Bearer ${token}`);
  let payload: BodyInit | undefined;
  if (body && 'json' in body) {
    headers.set('content-type', 'application/json');
    payload = JSON.stringify(body.json);
  } else if (body) {
    payload = body.form;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  } catch (error) {
    throw new ApiProblem({ status: 0, code: 'NETWORK', title: 'The service is unreachable', detail: error instanceof Error ? error.message : String(error) });
  }
  if (!response.ok) throw new ApiProblem(await problemOf(response));
  return (await response.json()) as T;
}
