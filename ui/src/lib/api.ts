// The UI talks to the same API as every other client, with the user's bearer token. Responses
// are typed by path from the generated OpenAPI types (api-types.ts, docs/ui.md "API types").
import type { paths } from '../api-types.js';
import { session } from './session.js';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type OkOf<Op> = Op extends { responses: infer R } ? (R extends { 200: infer A } ? JsonOf<A> : R extends { 201: infer B } ? JsonOf<B> : never) : never;

/** The 200 body of GET path, e.g. Schema<'/work'>. */
export type Schema<P extends keyof paths> = OkOf<paths[P]['get']>;
/** The 200 (or 201) body of POST path. */
export type PostResult<P extends keyof paths> = OkOf<paths[P]['post']>;
/** The JSON body POST path takes. */
export type PostBody<P extends keyof paths> = paths[P]['post'] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** An RFC 9457 problem as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

/** A refused or failed request; `problem` is the RFC 9457 body when the API sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  constructor(status: number, problem: Problem | null, message?: string) {
    super(problem?.detail ?? problem?.title ?? message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** Headers of an API call: the token when signed in, JSON. */
export function apiHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...extra };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  return headers;
}

/**
 * fetch with the token and JSON. Resolves to status and parsed body; rejects with an ApiError
 * (status 0 when the server could not be reached). A 401 also tells the app the session is over.
 */
export async function api<T = unknown>(path: string, { method = 'GET', body, idempotencyKey }: { method?: string; body?: unknown; idempotencyKey?: string } = {}): Promise<ApiAnswer<T>> {
  const headers = apiHeaders(body !== undefined ? { 'content-type': 'application/json' } : {});
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, null, `network: ${(err as Error)?.message ?? err}`);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    if (res.status === 401 && session.token) window.dispatchEvent(new CustomEvent('handhaving:unauthorized'));
    throw new ApiError(res.status, parsed && typeof parsed === 'object' ? (parsed as Problem) : null, res.statusText);
  }
  return { status: res.status, body: parsed as T };
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined | null>;

/** A query string from an object: undefined, null and '' are left out; arrays repeat the key. */
export function queryString(query?: Query): string {
  if (!query) return '';
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) qs.append(key, String(v));
    else qs.append(key, String(value));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/**
 * GET and return only the body, typed by the API path template: get('/meldingen/{meldingId}',
 * undefined, { meldingId }) or, simpler, getPath(`/meldingen/${id}`) typed by the template given.
 */
export async function get<P extends keyof paths>(path: P, query?: Query, params?: Record<string, string>): Promise<Schema<P>> {
  const url = String(path).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params?.[name] ?? ''));
  return (await api<Schema<P>>(url + queryString(query))).body;
}

function randomKey(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function' && globalThis.isSecureContext) return crypto.randomUUID();
  // Outside a secure context randomUUID is missing; 16 random bytes in hex do the same job.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface Submission {
  readonly key: string;
  send<T = unknown>(path: string, body: unknown, method?: string): Promise<ApiAnswer<T> | undefined>;
}

/**
 * One submission of a form, sent as often as needed with the same Idempotency-Key: a double
 * click or a retry after a lost answer never counts twice. Once the API has given a definitive
 * answer (success, or a refusal 4xx that changed nothing) the next submission gets a fresh key.
 */
export function submission(): Submission {
  let key = randomKey();
  let busy = false;
  return {
    get key() {
      return key;
    },
    async send<T>(path: string, body: unknown, method = 'POST') {
      if (busy) return undefined;
      busy = true;
      try {
        const result = await api<T>(path, { method, body, idempotencyKey: key });
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
