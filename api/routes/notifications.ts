import type { FastifyInstance } from 'fastify';
import {
  latestNotificationId,
  listNotifications,
  markAllRead,
  markRead,
  type NotificationRow,
  notificationsAfter,
  unreadCount,
} from '../../db/repositories/notifications.js';
import { staffReaders } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { HttpProblem, notFound, problemTypes, unavailable } from '../problems.js';
import { errorResponses } from '../schemas/common.js';

/** How the live stream behaves (docs/work-surfaces.md, "Notifications"). */
export const streamSettings = {
  /** How often each connected client's new messages are looked up. */
  pollMs: 2_000,
  /** A comment line this often keeps proxies and the API's idle-connection timeout (120 s) from closing the stream. */
  heartbeatMs: 15_000,
  /** A stream is closed after this long; the client reconnects with Last-Event-ID and misses nothing. */
  maxDurationMs: 30 * 60_000,
  /** Open streams per user and in all; beyond them 429 / 503. */
  maxPerUser: 5,
  maxTotal: 500,
};

const notificationSchema = {
  type: 'object',
  required: ['id', 'kind', 'template', 'subject', 'body', 'subjectType', 'subjectId', 'href', 'createdAt', 'read', 'readAt'],
  properties: {
    id: { type: 'string', description: 'The outbox message id (ascending: newer is larger).' },
    kind: { type: 'string', enum: ['escalatie', 'herinnering', 'annulering', 'incident', 'melding'], description: 'A coarse grouping of the template for icons and filters.' },
    template: { type: 'string', description: 'escalatie_herinnering, escalatie_teamcoordinator, escalatie_centraal, inspectie, screening_herinnering, screening_over_termijn, herinnering_handhaving, incident, …' },
    subject: { type: 'string' },
    body: { type: 'string' },
    subjectType: { type: 'string', description: 'melding, handhaving, inspectie, screening_task, incident' },
    subjectId: { type: 'string' },
    href: { type: ['string', 'null'], description: 'The subject in the API, when it has a route.' },
    createdAt: { type: 'string', format: 'date-time' },
    read: { type: 'boolean' },
    readAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const hrefs: Record<string, string> = {
  melding: '/meldingen/',
  handhaving: '/handhaving/',
  inspectie: '/inspections/',
  screening_task: '/screening-tasks/',
  incident: '/incidents/',
};

function kindOf(n: NotificationRow): string {
  if (n.subject_type === 'incident') return 'incident';
  if (/herinnering/.test(n.template) || /^Herinnering/i.test(n.subject)) return 'herinnering';
  if (/annul/i.test(n.subject)) return 'annulering';
  if (/escalatie|over_termijn|^Dringend/i.test(n.template + ' ' + n.subject)) return 'escalatie';
  return 'melding';
}

export function toNotificationView(n: NotificationRow) {
  return {
    id: String(n.id),
    kind: kindOf(n),
    template: n.template,
    subject: n.subject,
    body: n.body,
    subjectType: n.subject_type,
    subjectId: n.subject_id,
    href: hrefs[n.subject_type] ? `${hrefs[n.subject_type]}${n.subject_id}` : null,
    createdAt: new Date(n.created_at).toISOString(),
    read: n.read_at !== null,
    readAt: n.read_at ? new Date(n.read_at).toISOString() : null,
  };
}

export default async function notificationRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.get<{ Querystring: { unread?: boolean; limit: number; offset: number } }>('/notifications', {
    config: { roles: staffReaders },
    schema: {
      tags: ['notifications'],
      summary: 'The signed-in user\'s notifications (internal messages), newest first, with the unread count',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          unread: { type: 'boolean', description: 'true: only unread; false: only read.' },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
        },
      },
      response: {
        200: {
          type: 'object',
          required: ['items', 'total', 'unread', 'limit', 'offset'],
          properties: {
            items: { type: 'array', items: notificationSchema },
            total: { type: 'integer' },
            unread: { type: 'integer' },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
          },
        },
        ...errorResponses(400),
      },
    },
  }, async (request) => {
    const { unread, limit, offset } = request.query;
    const page = await listNotifications(deps.db, request.user!.id, { unread, limit, offset });
    return { items: page.items.map(toNotificationView), total: page.total, unread: page.unread, limit, offset };
  });

  app.post<{ Params: { id: string } }>('/notifications/:id/read', {
    config: { roles: staffReaders },
    schema: {
      tags: ['notifications'],
      summary: 'Mark one notification read (idempotent)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
      response: {
        200: { type: 'object', required: ['id', 'readAt', 'unread'], properties: { id: { type: 'string' }, readAt: { type: 'string', format: 'date-time' }, unread: { type: 'integer' } } },
        ...errorResponses(400, 404),
      },
    },
  }, async (request) => {
    const userId = request.user!.id;
    const { found, readAt } = await markRead(deps.db, userId, request.params.id);
    if (!found) throw notFound(`Notification ${request.params.id}`);
    return { id: request.params.id, readAt: readAt!.toISOString(), unread: await unreadCount(deps.db, userId) };
  });

  app.post('/notifications/read-all', {
    config: { roles: staffReaders },
    schema: {
      tags: ['notifications'],
      summary: 'Mark all of the signed-in user\'s notifications read',
      response: { 200: { type: 'object', required: ['marked', 'unread'], properties: { marked: { type: 'integer' }, unread: { type: 'integer' } } }, ...errorResponses() },
    },
  }, async (request) => {
    const marked = await markAllRead(deps.db, request.user!.id);
    return { marked, unread: await unreadCount(deps.db, request.user!.id) };
  });

  // ----- live: server-sent events -----------------------------------------------------------------

  const open = new Map<string, Set<() => void>>();
  let total = 0;
  app.addHook('preClose', async () => {
    for (const closers of open.values()) for (const close of [...closers]) close();
  });

  app.get<{ Headers: { 'last-event-id'?: string } }>('/notifications/stream', {
    config: { roles: staffReaders },
    schema: {
      tags: ['notifications'],
      summary: 'New notifications, pushed live (server-sent events)',
      description:
        '`text/event-stream`. Events: `unread` (data `{"unread": n}`, at the start and whenever the count changes), ' +
        '`notification` (data: a Notification, `id:` its id). A comment line `: heartbeat` every 15 s. New messages are ' +
        'looked up every 2 s. The stream ends after 30 minutes; reconnect with `Last-Event-ID` (EventSource does this ' +
        'itself) to receive what came in between. Needs the bearer token in the Authorization header, so a browser uses ' +
        'fetch() with a streamed body rather than EventSource. 429 beyond 5 open streams per user.',
      headers: { type: 'object', properties: { 'last-event-id': { type: 'string', pattern: '^[0-9]{1,18}$' } } },
      response: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        ...errorResponses(400, 429),
      },
    },
  }, async (request, reply) => {
    const userId = request.user!.id;
    const mine = open.get(userId) ?? new Set<() => void>();
    if (mine.size >= streamSettings.maxPerUser) {
      throw new HttpProblem(429, problemTypes.tooManyRequests, 'Too Many Requests', `At most ${streamSettings.maxPerUser} open notification streams per user`);
    }
    if (total >= streamSettings.maxTotal) {
      throw unavailable('Too many open notification streams; try again later');
    }
    let last = request.headers['last-event-id'] ?? (await latestNotificationId(deps.db, userId));
    let unread = await unreadCount(deps.db, userId);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    res.write(`retry: 3000\n\nevent: unread\ndata: ${JSON.stringify({ unread })}\n\n`);

    let closed = false;
    let polling = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(poller);
      clearInterval(heartbeat);
      clearTimeout(limit);
      mine.delete(close);
      if (mine.size === 0) open.delete(userId);
      total -= 1;
      if (!res.writableEnded) res.end();
    };
    mine.add(close);
    open.set(userId, mine);
    total += 1;

    const poll = async () => {
      if (closed || polling) return;
      polling = true;
      try {
        const fresh = await notificationsAfter(deps.db, userId, last);
        for (const n of fresh) {
          if (closed) return;
          res.write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(toNotificationView(n))}\n\n`);
          last = String(n.id);
        }
        const now = await unreadCount(deps.db, userId);
        if (!closed && now !== unread) {
          unread = now;
          res.write(`event: unread\ndata: ${JSON.stringify({ unread })}\n\n`);
        }
      } catch (err) {
        request.log.warn({ err }, 'notification stream poll failed');
      } finally {
        polling = false;
      }
    };
    const poller = setInterval(() => void poll(), streamSettings.pollMs);
    const heartbeat = setInterval(() => {
      if (!closed) res.write(': heartbeat\n\n');
    }, streamSettings.heartbeatMs);
    const limit = setTimeout(close, streamSettings.maxDurationMs);
    request.raw.on('close', close);
    res.on('close', close);
    res.on('error', close);
  });
}
