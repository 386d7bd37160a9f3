import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decisionsBetween } from '../../../db/repositories/enforcement.js';
import { findLocation } from '../../../db/repositories/locations.js';
import { publicEnforcementReport, publicFollowUpStatus } from '../../../db/repositories/public-status.js';
import { localDateOf } from '../../../workflows/clock/brussels-time.js';
import { isoWeekRange } from '../../../workflows/clock/iso-week.js';
import type { AppDependencies } from '../../dependencies.js';
import { HttpProblem, notFound, problemTypes } from '../../problems.js';
import { publicRoutes as publicRouteOptions } from '../route-options.js';
import { decisionsQuery, decisionsResponse, statusParams, statusResponse } from './schemas.js';

const statusLabels = {
  1: 'onderzoeksfase',
  2: 'na evaluatie geen verdere opvolging nodig',
  3: 'inspectieverslag in opvolging door organisator',
  4: 'handhaving',
} as const;

/** A gezinsopvang is named by its municipality only: its name is often a person's name. */
const publicName = (l: { name: string; kind: string; municipality: string }) =>
  l.kind === 'gezinsopvang' ? `Gezinsopvang in ${l.municipality}` : l.name;

/**
 * Read-only public information, without personal data and without a token: the follow-up status
 * of a location (Kinderopvangzoeker) and the weekly list of suspension and revocation decisions.
 * Reads of the register only: no command, so nothing here goes through the command path.
 */
export default async function publicRoutes(app: FastifyInstance, deps: AppDependencies) {
  async function locationStatus(request: FastifyRequest<{ Params: { locationId: string } }>) {
    const location = await findLocation(deps.db, request.params.locationId);
    if (!location) throw notFound(`Location ${request.params.locationId}`);
    const status = await publicFollowUpStatus(deps.db, location.id);
    return {
      locationId: location.id,
      name: publicName(location),
      municipality: location.municipality,
      status,
      statusLabel: statusLabels[status],
      enforcement: await publicEnforcementReport(deps.db, location.id),
    };
  }

  async function decisions(request: FastifyRequest<{ Querystring: { week: string } }>) {
    const range = isoWeekRange(request.query.week);
    if (!range) {
      throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `week ${request.query.week} does not exist`, { errors: [{ field: 'querystring.week', message: 'no such ISO week' }] });
    }
    const from = new Date(range.from);
    const to = new Date(range.to);
    const rows = await decisionsBetween(deps.db, from, to);
    return {
      week: request.query.week,
      from: from.toISOString(),
      to: to.toISOString(),
      decisions: rows.map((d) => ({
        locationId: d.location_id,
        name: publicName({ name: d.location_name, kind: d.location_kind, municipality: d.municipality }),
        municipality: d.municipality,
        kind: d.kind,
        urgent: d.urgent,
        decidedOn: localDateOf(d.decided_at.getTime()),
        effectiveFrom: d.effective_from,
        endsOn: d.ends_on,
        explanation: d.public_motivation,
        objection: d.objection,
        inForce: d.in_force,
      })),
    };
  }

  // No token, so no 401 or 403 among their problems.
  const route = publicRouteOptions('public', { noSecurity: true });

  app.get('/public/locations/:locationId/status', route({
    summary: 'Public follow-up status (1–4) of a location and its enforcement report',
    params: statusParams,
    response: { 200: statusResponse },
    problems: [400, 404, 503],
  }), locationStatus);

  app.get('/public/decisions', route({
    summary: 'Suspension and revocation decisions of one ISO week (published weekly)',
    description: 'The week runs from Monday 00:00 to the next Monday 00:00 Europe/Brussels; `from` and `to` are those instants, dates are Brussels dates.',
    querystring: decisionsQuery,
    response: { 200: decisionsResponse },
    problems: [400, 503],
  }), decisions);
}
