import type { SigningTokenService } from '../api/auth/tokens.js';

/** What the demo needs of the token service: signing (api/auth/tokens.ts createTokenService). */
export type TokenSigner = Pick<SigningTokenService, 'sign'>;

/**
 * The demo's HTTP client: every request goes to the real API as a seeded user, with a bearer
 * token signed by the development token service (api/auth/tokens.ts), exactly as `npm run tokens`
 * makes them. 429 answers are waited out (retry-after); network errors and 5xx on requests that
 * are safe to repeat (GETs, and POSTs carrying an Idempotency-Key or being idempotent by design)
 * are tried again a few times.
 */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export interface DemoHttpOptions {
  apiUrl: string;
  tokens: TokenSigner;
  /** Stops the demo: no new request starts, waits end; requests under way finish (so the API's own shutdown finds none half done). */
  signal?: AbortSignal;
  /** Also aborts the requests under way (after the grace a shutdown gives them). */
  hardSignal?: AbortSignal;
  /** Counts of requests made, by method: the summary reports them. */
  stats?: { requests: number; starts: number; commands: number; rateLimited: number };
}

export class DemoAbortedError extends Error {
  constructor() {
    super('the demo was stopped');
    this.name = 'DemoAbortedError';
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new DemoAbortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DemoAbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The operations the API counts as starting a process (api/plugins/security.ts). */
const processStarts = new Set(['/meldingen', '/handhaving', '/inspections', '/screening-runs']);

export class DemoHttp {
  private readonly tokenCache = new Map<string, { token: string; until: number }>();
  readonly stats: NonNullable<DemoHttpOptions['stats']>;

  constructor(private readonly options: DemoHttpOptions) {
    this.stats = options.stats ?? { requests: 0, starts: 0, commands: 0, rateLimited: 0 };
  }

  /** For other fetches of the demo (the simulator): aborted with the requests under way. */
  get hardSignal() {
    return this.options.hardSignal;
  }

  sleep(ms: number) {
    return sleep(ms, this.options.signal);
  }

  /** A bearer token for a seeded user: valid an hour, signed once and reused. */
  token(userId: string): string {
    const cached = this.tokenCache.get(userId);
    if (cached && cached.until > Date.now() + 60_000) return cached.token;
    const token = this.options.tokens.sign({ sub: userId, role: 'from-db', name: userId }, 3_600_000);
    this.tokenCache.set(userId, { token, until: Date.now() + 3_600_000 });
    return token;
  }

  get<T = unknown>(path: string, as: string): Promise<ApiAnswer<T>> {
    return this.request<T>('GET', path, as, undefined, {});
  }

  /** A POST; `key` becomes its Idempotency-Key (retried safely), `idempotent` marks a POST that is idempotent by design. */
  post<T = unknown>(path: string, as: string, json: unknown, opts: { key?: string; idempotent?: boolean } = {}): Promise<ApiAnswer<T>> {
    return this.request<T>('POST', path, as, json, opts);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, as: string, json: unknown, opts: { key?: string; idempotent?: boolean }): Promise<ApiAnswer<T>> {
    const retryable = method === 'GET' || Boolean(opts.key) || Boolean(opts.idempotent);
    for (let attempt = 0; ; attempt += 1) {
      if (this.options.signal?.aborted) throw new DemoAbortedError();
      const headers: Record<string, string> = { authorization: `Bearer ${this.token(as)}` };
      if (json !== undefined) headers['content-type'] = 'application/json';
      if (opts.key) headers['idempotency-key'] = opts.key;
      this.stats.requests += 1;
      if (method === 'POST') {
        if (processStarts.has(path)) this.stats.starts += 1;
        else this.stats.commands += 1;
      }
      let res: Response;
      try {
        res = await fetch(`${this.options.apiUrl}${path}`, {
          method,
          headers,
          body: json === undefined ? undefined : JSON.stringify(json),
          signal: this.options.hardSignal ? AbortSignal.any([this.options.hardSignal, AbortSignal.timeout(60_000)]) : AbortSignal.timeout(60_000),
        });
      } catch (err) {
        if (this.options.signal?.aborted || this.options.hardSignal?.aborted) throw new DemoAbortedError();
        if (!retryable || attempt >= 4) throw err;
        await this.sleep(250 * 2 ** attempt).catch(() => undefined);
        continue;
      }
      const text = await res.text();
      if (res.status === 429 && attempt < 20) {
        this.stats.rateLimited += 1;
        const after = Number(res.headers.get('retry-after') ?? '1');
        await this.sleep(Math.min(60, Number.isFinite(after) && after > 0 ? after : 1) * 1000).catch(() => undefined);
        continue;
      }
      if (res.status >= 500 && retryable && attempt < 4) {
        await this.sleep(250 * 2 ** attempt).catch(() => undefined);
        continue;
      }
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: body as T };
    }
  }
}

/** An unexpected answer, with what the API said. */
export function unexpected(what: string, answer: ApiAnswer): Error {
  const body = answer.body as { detail?: string } | string | null;
  const detail = typeof body === 'object' && body ? (body.detail ?? JSON.stringify(body).slice(0, 300)) : String(body).slice(0, 300);
  return new Error(`${what}: HTTP ${answer.status}: ${detail}`);
}

/** Polls `fn` until `check` holds or the time is up (then the last value is returned with ok false). */
export async function until<T>(http: DemoHttp, fn: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000, everyMs = 300): Promise<{ ok: boolean; value: T }> {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!check(value)) {
    if (Date.now() > deadline) return { ok: false, value };
    await http.sleep(everyMs);
    value = await fn();
  }
  return { ok: true, value };
}

/** Runs `tasks` with at most `width` at a time; every task runs, failures are collected. */
export async function pool<T>(items: readonly T[], width: number, task: (item: T, index: number) => Promise<void>): Promise<{ item: T; error: unknown }[]> {
  const failures: { item: T; error: unknown }[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      try {
        await task(items[index]!, index);
      } catch (error) {
        if (error instanceof DemoAbortedError) throw error;
        failures.push({ item: items[index]!, error });
      }
    }
  });
  await Promise.all(lanes);
  return failures;
}
