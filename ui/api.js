// The UI talks to the same API as every other client, with the user's bearer token.

const tokenKey = 'handhaving.token';

export const session = {
  get token() {
    return sessionStorage.getItem(tokenKey);
  },
  set token(value) {
    if (value) sessionStorage.setItem(tokenKey, value);
    else sessionStorage.removeItem(tokenKey);
  },
  /** The signed-in user from GET /me: { id, name, role, teamId }. */
  me: null,
};

/** A refused or failed request; `problem` is the RFC 9457 body when the API sent one. */
export class ApiError extends Error {
  constructor(status, problem, message) {
    super(problem?.detail ?? problem?.title ?? message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem ?? null;
  }
}

/**
 * fetch with the token and JSON. Resolves to the parsed body; rejects with an ApiError (status 0
 * when the server could not be reached). A 401 also tells the app the session is over.
 */
export async function api(path, { method = 'GET', body, idempotencyKey } = {}) {
  const headers = { accept: 'application/json, application/problem+json' };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, null, `network: ${err?.message ?? err}`);
  }
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new CustomEvent('handhaving:unauthorized'));
    throw new ApiError(res.status, parsed && typeof parsed === 'object' ? parsed : null, res.statusText);
  }
  return { status: res.status, body: parsed };
}

/** GET and return only the body. */
export async function get(path, query) {
  const qs = query ? new URLSearchParams(query).toString() : '';
  return (await api(qs ? `${path}?${qs}` : path)).body;
}

function randomKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // Outside a secure context randomUUID is missing; 16 random bytes in hex do the same job.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One submission of a form, sent as often as needed with the same Idempotency-Key: a double
 * click or a retry after a lost answer never counts twice. Once the API has given a definitive
 * answer (success, or a refusal 4xx that changed nothing) the next submission gets a fresh key.
 */
export function submission() {
  let key = randomKey();
  let busy = false;
  return {
    get key() {
      return key;
    },
    /** Sends unless a send is still under way (returns undefined then). */
    async send(path, body, method = 'POST') {
      if (busy) return undefined;
      busy = true;
      try {
        const result = await api(path, { method, body, idempotencyKey: key });
        key = randomKey();
        return result;
      } catch (err) {
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429) key = randomKey();
        throw err;
      } finally {
        busy = false;
      }
    },
  };
}
