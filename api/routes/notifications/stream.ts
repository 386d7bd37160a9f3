import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { latestNotificationId, notificationsAfter, unreadCount } from '../../../db/repositories/notifications.js';
import { staffReaders } from '../../../db/tables/reference.js';
import type { AppDependencies } from '../../dependencies.js';
import { HttpProblem, problemTypes, unavailable } from '../../problems.js';
import { protectedRoutes } from '../route-options.js';
import { notificationId, toNotificationView } from './views.js';

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

const description =
  '`text/event-stream`. Events: `unread` (data `{"unread": n}`, at the start and whenever the count changes), ' +
  '`notification` (data: a Notification, `id:` its id). A comment line `: heartbeat` every 15 s. New messages are ' +
  'looked up every 2 s. The stream ends after 30 minutes; reconnect with `Last-Event-ID` (EventSource does this ' +
  'itself) to receive what came in between. Needs the bearer token in the Authorization header, so a browser uses ' +
  'fetch() with a streamed body rather than EventSource. 429 beyond 5 open streams per user.';

type StreamRequest = FastifyRequest<{ Headers: { 'last-event-id'?: string } }>;

/** The open streams, per user: each entry closes its stream. */
class OpenStreams {
  private readonly byUser = new Map<string, Set<() => void>>();
  private total = 0;

  /** 429 beyond the streams a user may hold, 503 beyond all the API holds. */
  admit(userId: string): void {
    if ((this.byUser.get(userId)?.size ?? 0) >= streamSettings.maxPerUser) {
      throw new HttpProblem(429, problemTypes.tooManyRequests, 'Too Many Requests', `At most ${streamSettings.maxPerUser} open notification streams per user`);
    }
    if (this.total >= streamSettings.maxTotal) throw unavailable('Too many open notification streams; try again later');
  }

  add(userId: string, close: () => void): void {
    const mine = this.byUser.get(userId) ?? new Set<() => void>();
    mine.add(close);
    this.byUser.set(userId, mine);
    this.total += 1;
  }

  remove(userId: string, close: () => void): void {
    const mine = this.byUser.get(userId);
    mine?.delete(close);
    if (mine?.size === 0) this.byUser.delete(userId);
    this.total -= 1;
  }

  closeAll(): void {
    for (const closers of this.byUser.values()) for (const close of [...closers]) close();
  }
}

interface Stream {
  deps: AppDependencies;
  userId: string;
  res: ServerResponse;
  log: FastifyBaseLogger;
  last: string;
  unread: number;
}

/** Writes what came in since the last event: each new notification, and the unread count when it changed. */
function poller(s: Stream, isClosed: () => boolean) {
  let polling = false;
  return async () => {
    if (isClosed() || polling) return;
    polling = true;
    try {
      const fresh = await notificationsAfter(s.deps.db, s.userId, s.last);
      for (const n of fresh) {
        if (isClosed()) return;
        s.res.write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(toNotificationView(n))}\n\n`);
        s.last = String(n.id);
      }
      const now = await unreadCount(s.deps.db, s.userId);
      if (!isClosed() && now !== s.unread) {
        s.unread = now;
        s.res.write(`event: unread\ndata: ${JSON.stringify({ unread: s.unread })}\n\n`);
      }
    } catch (err) {
      s.log.warn({ err }, 'notification stream poll failed');
    } finally {
      polling = false;
    }
  };
}

/** New notifications pushed live as server-sent events, until the client goes or the stream's time is up. */
export function streamRoutes(app: FastifyInstance, deps: AppDependencies) {
  const open = new OpenStreams();
  app.addHook('preClose', async () => open.closeAll());

  async function stream(request: StreamRequest, reply: FastifyReply) {
    const userId = request.user!.id;
    open.admit(userId);
    const last = request.headers['last-event-id'] ?? (await latestNotificationId(deps.db, userId));
    const unread = await unreadCount(deps.db, userId);

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
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(polling);
      clearInterval(heartbeat);
      clearTimeout(limit);
      open.remove(userId, close);
      if (!res.writableEnded) res.end();
    };
    open.add(userId, close);

    const poll = poller({ deps, userId, res, log: request.log, last, unread }, () => closed);
    const polling = setInterval(() => void poll(), streamSettings.pollMs);
    const heartbeat = setInterval(() => {
      if (!closed) res.write(': heartbeat\n\n');
    }, streamSettings.heartbeatMs);
    const limit = setTimeout(close, streamSettings.maxDurationMs);
    request.raw.on('close', close);
    res.on('close', close);
    res.on('error', close);
  }

  app.get('/notifications/stream', protectedRoutes('notifications', staffReaders)({
    summary: 'New notifications, pushed live (server-sent events)',
    description,
    headers: { type: 'object', properties: { 'last-event-id': notificationId } },
    response: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
    problems: [400, 429],
  }), stream);
}
