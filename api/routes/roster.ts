import type { FastifyInstance } from 'fastify';
import { staffReaders } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { closedObject, instant } from '../schemas/common.js';
import { protectedRoutes } from './route-options.js';

const shiftSchema = {
  type: 'object',
  required: ['userId', 'name', 'email', 'position', 'role', 'startsAt', 'endsAt', 'current'],
  properties: {
    userId: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    position: { type: 'integer', description: '1: on duty; 2: the next coordinator a missed crisis report escalates to' },
    role: { type: 'string', enum: ['dienst', 'achterwacht'], description: 'position 1 dienst, 2 and further achterwacht' },
    startsAt: instant,
    endsAt: instant,
    current: { type: 'boolean', description: 'The shift runs now' },
    active: { type: 'boolean', description: 'The user is active (an inactive one is skipped when routing)' },
  },
} as const;

/** GET /crisis-roster: who is on crisis duty now and in the coming weeks (docs/work-surfaces.md). */
export default async function rosterRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.get<{ Querystring: { from?: string; weeks: number } }>('/crisis-roster', protectedRoutes('meldingen', staffReaders)({
    summary: 'The crisis roster: who is on duty now and the shifts of the coming weeks',
    description: '`onDuty`: the coordinators on duty now in escalation order (position 1 first; inactive users left out, as routing does). ' +
      '`shifts`: every shift that overlaps [from, from + weeks).',
    querystring: closedObject({ from: { ...instant, description: 'Default: now' }, weeks: { type: 'integer', minimum: 1, maximum: 26, default: 4 } }),
    response: {
      200: {
        type: 'object',
        required: ['at', 'onDuty', 'from', 'to', 'shifts'],
        properties: {
          at: instant,
          onDuty: { type: 'array', items: shiftSchema },
          from: instant,
          to: instant,
          shifts: { type: 'array', items: shiftSchema },
        },
      },
    },
    problems: [400],
  }), async (request) => {
    const now = new Date();
    const from = request.query.from ? new Date(request.query.from) : now;
    const to = new Date(from.getTime() + request.query.weeks * 7 * 86_400_000);
    const rows = await deps.db
      .selectFrom('crisis_roster as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select(['r.user_id', 'u.name', 'u.email', 'u.active', 'r.position', 'r.starts_at', 'r.ends_at'])
      .where((eb) => eb.or([
        eb.and([eb('r.starts_at', '<', to), eb('r.ends_at', '>', from)]),
        eb.and([eb('r.starts_at', '<=', now), eb('r.ends_at', '>', now)]),
      ]))
      .orderBy('r.starts_at')
      .orderBy('r.position')
      .limit(2_000)
      .execute();
    const view = (r: (typeof rows)[number]) => ({
      userId: r.user_id,
      name: r.name,
      email: r.email,
      position: r.position,
      role: r.position === 1 ? 'dienst' : 'achterwacht',
      startsAt: r.starts_at.toISOString(),
      endsAt: r.ends_at.toISOString(),
      current: r.starts_at <= now && r.ends_at > now,
      active: r.active,
    });
    return {
      at: now.toISOString(),
      onDuty: rows.filter((r) => r.starts_at <= now && r.ends_at > now && r.active).map(view),
      from: from.toISOString(),
      to: to.toISOString(),
      shifts: rows.filter((r) => r.starts_at < to && r.ends_at > from).map(view),
    };
  });
}
