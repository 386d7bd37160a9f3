import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../dependencies.js';
import { inboxRoutes } from './notifications/inbox.js';
import { streamRoutes } from './notifications/stream.js';

export { streamSettings } from './notifications/stream.js';
export { toNotificationView } from './notifications/views.js';

/** The signed-in user's notifications (docs/work-surfaces.md, "Notifications"): the list, marking read, and the live stream. */
export default async function notificationRoutes(app: FastifyInstance, deps: AppDependencies) {
  inboxRoutes(app, deps);
  streamRoutes(app, deps);
}
