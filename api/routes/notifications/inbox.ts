import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listNotifications, markAllRead, markRead, unreadCount } from '../../../db/repositories/notifications.js';
import { staffReaders } from '../../../db/tables/reference.js';
import type { AppDependencies } from '../../dependencies.js';
import { notFound } from '../../problems.js';
import { idParams, instant, listQueryOf, pageOf, paging } from '../../schemas/common.js';
import { protectedRoutes } from '../route-options.js';
import { notificationId, notificationSchema, toNotificationView } from './views.js';

type ListRequest = FastifyRequest<{ Querystring: { unread?: boolean; limit: number; offset: number } }>;

const unread = { type: 'integer' } as const;
const listQuery = listQueryOf({ unread: { type: 'boolean', description: 'true: only unread; false: only read.' } }, paging({ maxLimit: 200 }));

/** The signed-in user's notifications: the list with the unread count, and marking them read. */
export function inboxRoutes(app: FastifyInstance, deps: AppDependencies) {
  const route = protectedRoutes('notifications', staffReaders);

  async function list(request: ListRequest) {
    const { unread, limit, offset } = request.query;
    const page = await listNotifications(deps.db, request.user!.id, { unread, limit, offset });
    return { items: page.items.map(toNotificationView), total: page.total, unread: page.unread, limit, offset };
  }

  async function read(request: FastifyRequest<{ Params: { id: string } }>) {
    const userId = request.user!.id;
    const { found, readAt } = await markRead(deps.db, userId, request.params.id);
    if (!found) throw notFound(`Notification ${request.params.id}`);
    return { id: request.params.id, readAt: readAt!.toISOString(), unread: await unreadCount(deps.db, userId) };
  }

  async function readAll(request: FastifyRequest) {
    const marked = await markAllRead(deps.db, request.user!.id);
    return { marked, unread: await unreadCount(deps.db, request.user!.id) };
  }

  app.get('/notifications', route({
    summary: 'The signed-in user\'s notifications (internal messages), newest first, with the unread count',
    querystring: listQuery,
    response: { 200: pageOf(notificationSchema, { unread }) },
    problems: [400],
  }), list);
  app.post('/notifications/:id/read', route({
    summary: 'Mark one notification read (idempotent)',
    params: idParams('id', notificationId),
    response: { 200: { type: 'object', required: ['id', 'readAt', 'unread'], properties: { id: { type: 'string' }, readAt: instant, unread } } },
    problems: [400, 404],
  }), read);
  app.post('/notifications/read-all', route({
    summary: 'Mark all of the signed-in user\'s notifications read',
    response: { 200: { type: 'object', required: ['marked', 'unread'], properties: { marked: { type: 'integer' }, unread } } },
  }), readAll);
}
