/**
 * The codec endpoint of the Temporal Web UI (docs/security.md#codec-endpoint): the UI sends the
 * encrypted payloads of a history to POST /codec/decode and shows what comes back. Temporal's
 * codec server protocol: `{ payloads: [{ metadata: { <key>: <base64> }, data: <base64> }] }` in
 * and out, CORS for the UI's origin with the headers `content-type`, `x-namespace` and
 * `authorization`.
 *
 * Only users whose role is in PAYLOAD_CODEC_ROLES may decode, and every decode is audited. The
 * caller authenticates with `Authorization: Bearer <token>` (scripts, the CLI) or with the
 * HttpOnly cookie that POST /codec/session sets from such a token: the Web UI sends no bearer
 * token to an http:// codec endpoint, only cookies ("Include cross-origin credentials").
 */
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../db/repositories/audit.js';
import { findUser } from '../../db/repositories/users.js';
import type { Role } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { forbidden, HttpProblem, problemTypes, unauthorized, unavailable } from '../problems.js';
import { errorResponses } from '../schemas/common.js';

export interface CodecServerOptions {
  /** The codec the API's own Temporal client uses (platform/payload-codec.ts). */
  codec: PayloadCodec;
  /** Browser origins allowed to call the endpoint: the Temporal Web UI (TEMPORAL_UI_ORIGIN). */
  allowedOrigins: readonly string[];
  /** Roles whose users may encode and decode (PAYLOAD_CODEC_ROLES). */
  roles: readonly Role[];
}

declare module '../dependencies.js' {
  interface AppDependencies {
    /** The codec endpoint /codec; absent: those routes answer 503. */
    codecServer?: CodecServerOptions;
  }
}

/** The cookie the Web UI authenticates with: the bearer token itself, HttpOnly, sent only to /codec. */
export const codecCookie = 'hh_codec';
const cookieMaxAgeS = 12 * 3600;
const allowedHeaders = 'authorization, content-type, x-namespace';

const base64 = { type: 'string', pattern: '^[A-Za-z0-9+/_-]*={0,2}$', maxLength: 4_000_000 } as const;
const payloadsSchema = {
  type: 'object',
  required: ['payloads'],
  additionalProperties: false,
  properties: {
    payloads: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          metadata: { type: 'object', additionalProperties: base64, maxProperties: 100 },
          data: base64,
        },
      },
    },
  },
} as const;

interface WirePayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromWire = (p: WirePayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toWire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): WirePayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function cookieToken(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === codecCookie) return value.join('=') || undefined;
  }
  return undefined;
}

export default async function codecRoutes(app: FastifyInstance, deps: AppDependencies) {
  const options = deps.codecServer;
  const allowed = new Set(options?.allowedOrigins ?? []);

  /** CORS for the Web UI only: the exact origin is echoed, with credentials (the cookie). */
  const cors = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    if (origin && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
    }
  };

  /** The caller's user from the bearer header or the codec cookie; role checked against the options. */
  const authenticate = async (request: FastifyRequest) => {
    if (!options) throw unavailable('The codec endpoint is not configured (PAYLOAD_KEYS)');
    const bearer = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const token = bearer ?? cookieToken(request);
    if (!token) throw unauthorized('Send a bearer token, or open /codec/ once to sign the Temporal Web UI in');
    let sub: string;
    try {
      sub = (await deps.tokens.verify(token)).sub;
    } catch (err) {
      if ((err as Error).name === 'TokenKeysUnavailableError') throw unavailable((err as Error).message);
      throw unauthorized(`The token is not valid: ${(err as Error).message}`);
    }
    const user = await findUser(deps.db, sub);
    if (!user || !user.active) throw unauthorized('The token belongs to no active user');
    if (!options.roles.includes(user.role)) {
      throw forbidden(`Role ${user.role} may not read Temporal payloads; allowed: ${options.roles.join(', ')} (PAYLOAD_CODEC_ROLES)`);
    }
    return { user, token, codec: options.codec };
  };

  // The routes below do their own authentication (header or cookie), so the API's bearer hook
  // lets them through (`public`); CORS headers are set first, so the UI can read a 401 as well.
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url?.startsWith('/codec/')) cors(request, reply);
  });

  for (const op of ['encode', 'decode'] as const) {
    app.options(`/codec/${op}`, { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      if (request.headers.origin && allowed.has(request.headers.origin)) {
        reply.header('access-control-allow-methods', 'POST, OPTIONS');
        reply.header('access-control-allow-headers', allowedHeaders);
        reply.header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    });

    app.post<{ Body: { payloads: WirePayload[] } }>(`/codec/${op}`, {
      config: { public: true },
      schema: {
        tags: ['codec'],
        summary: op === 'decode'
          ? 'Decrypt Temporal payloads for the Temporal Web UI (codec server protocol); audited'
          : 'Encrypt Temporal payloads (codec server protocol)',
        body: payloadsSchema,
        response: { 200: payloadsSchema, ...errorResponses(400) },
      },
    }, async (request) => {
      const { user, codec } = await authenticate(request);
      const input = request.body.payloads.map(fromWire);
      let output;
      try {
        output = op === 'decode' ? await codec.decode(input) : await codec.encode(input);
      } catch (err) {
        // An unknown key id or an altered payload: say which, without any payload content.
        throw new HttpProblem(400, problemTypes.badRequest, 'Bad Request', (err as Error).message);
      }
      if (op === 'decode') {
        const namespace = String(request.headers['x-namespace'] ?? '').slice(0, 200) || 'onbekend';
        await recordAudit(deps.db, {
          actor_id: user.id,
          actor_role: user.role,
          action: 'temporal.payloads_decoded',
          subject_type: 'temporal_namespace',
          subject_id: namespace,
          details: JSON.stringify({ payloads: input.length, origin: request.headers.origin ?? null }),
          request_id: request.id,
          idempotency_key: null,
        });
      }
      return { payloads: output.map(toWire) };
    });
  }

  // Signing the Web UI in: the person pastes their bearer token into /codec/ (a page of this API),
  // which exchanges it for the HttpOnly cookie. SameSite=Strict: the browser sends it from the Web
  // UI (same site, another port) but not from any other site.
  app.post('/codec/session', {
    config: { public: true },
    schema: {
      tags: ['codec'],
      summary: 'Exchange a bearer token for the cookie the Temporal Web UI sends to /codec',
      response: { 204: { type: 'null' }, ...errorResponses() },
    },
  }, async (request, reply) => {
    if (!request.headers.authorization) throw unauthorized('Send the bearer token in the Authorization header');
    const { token } = await authenticate(request);
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${codecCookie}=${token}; Path=/codec; HttpOnly; SameSite=Strict; Max-Age=${cookieMaxAgeS}${secure}`);
    return reply.code(204).send();
  });

  app.delete('/codec/session', {
    config: { public: true },
    schema: { tags: ['codec'], summary: 'Sign the Temporal Web UI out of /codec (clears the cookie)', security: [], response: { 204: { type: 'null' } } },
  }, async (_request, reply) => {
    reply.header('set-cookie', `${codecCookie}=; Path=/codec; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.code(204).send();
  });

  app.get('/codec/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(sessionPage));
  app.get('/codec/session.js', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(sessionScript));
}

// No inline script or style: the page passes a strict Content-Security-Policy.
const sessionPage = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Temporal Web UI: payloads ontsleutelen</title>
<script src="/codec/session.js" defer></script></head>
<body>
<h1>Temporal Web UI: payloads ontsleutelen</h1>
<p>Plak je bearer token (<code>npm run tokens</code> of van de identity provider). Alleen de rollen uit
PAYLOAD_CODEC_ROLES mogen payloads lezen; elke ontsleuteling komt in de audit trail.</p>
<form id="codec-login"><label>Token <input id="codec-token" type="password" autocomplete="off" required size="60"></label>
<button type="submit">Aanmelden</button> <button type="button" id="codec-logout">Afmelden</button></form>
<p id="codec-status" role="status"></p>
<p>Zet daarna in de Temporal Web UI (Codec Server-instellingen) <em>Include cross-origin credentials</em> aan.</p>
</body></html>
`;

const sessionScript = `document.addEventListener('DOMContentLoaded', () => {
  const status = document.getElementById('codec-status');
  document.getElementById('codec-login').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = document.getElementById('codec-token').value.trim();
    const res = await fetch('/codec/session', { method: 'POST', headers: { authorization: 'Bearer ' + token } });
    document.getElementById('codec-token').value = '';
    status.textContent = res.ok ? 'Aangemeld: de Temporal Web UI kan nu payloads ontsleutelen.' : 'Geweigerd: ' + ((await res.json()).detail || res.status);
  });
  document.getElementById('codec-logout').addEventListener('click', async () => {
    await fetch('/codec/session', { method: 'DELETE' });
    status.textContent = 'Afgemeld.';
  });
});
`;
