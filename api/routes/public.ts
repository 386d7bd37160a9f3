import type { FastifyInstance } from 'fastify';
import { decisionsBetween } from '../../db/repositories/enforcement.js';
import { findLocation } from '../../db/repositories/locations.js';
import { publicEnforcementReport, publicFollowUpStatus } from '../../db/repositories/public-status.js';
import { localDateOf } from '../../workflows/clock/brussels-time.js';
import { isoWeekRange } from '../../workflows/clock/iso-week.js';
import type { AppDependencies } from '../dependencies.js';
import { HttpProblem, notFound, problemTypes } from '../problems.js';
import { idPattern, problemRef } from '../schemas/common.js';

const statusLabels = {
  1: 'onderzoeksfase',
  2: 'na evaluatie geen verdere opvolging nodig',
  3: 'inspectieverslag in opvolging door organisator',
  4: 'handhaving',
} as const;

/**
 * Read-only public information, without personal data and without a token: the follow-up status
 * of a location (Kinderopvangzoeker) and the weekly list of suspension and revocation decisions.
 * A gezinsopvang is named by its municipality only: its name is often a person's name.
 */
export default async function publicRoutes(app: FastifyInstance, deps: AppDependencies) {
  const publicName = (l: { name: string; kind: string; municipality: string }) =>
    l.kind === 'gezinsopvang' ? `Gezinsopvang in ${l.municipality}` : l.name;

  app.get<{ Params: { locationId: string } }>('/public/locations/:locationId/status', {
    config: { public: true },
    schema: {
      tags: ['public'],
      summary: 'Public follow-up status (1–4) of a location and its enforcement report',
      security: [],
      params: { type: 'object', required: ['locationId'], properties: { locationId: { type: 'string', pattern: idPattern } } },
      response: {
        200: {
          type: 'object',
          required: ['locationId', 'name', 'municipality', 'status', 'statusLabel', 'enforcement'],
          properties: {
            locationId: { type: 'string' },
            name: { type: 'string' },
            municipality: { type: 'string' },
            status: { type: 'integer', enum: [1, 2, 3, 4] },
            statusLabel: { type: 'string' },
            enforcement: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  date: { type: 'string' },
                  kind: { type: 'string' },
                  cause: { type: ['string', 'null'] },
                  explanation: { type: ['string', 'null'] },
                  objection: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        400: problemRef,
        404: problemRef,
        503: problemRef,
      },
    },
  }, async (request) => {
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
  });

  app.get<{ Querystring: { week: string } }>('/public/decisions', {
    config: { public: true },
    schema: {
      tags: ['public'],
      summary: 'Suspension and revocation decisions of one ISO week (published weekly)',
      description: 'The week runs from Monday 00:00 to the next Monday 00:00 Europe/Brussels; `from` and `to` are those instants, dates are Brussels dates.',
      security: [],
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['week'],
        properties: { week: { type: 'string', pattern: '^\\d{4}-W\\d{2}$', description: 'ISO week, e.g. 2026-W47' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            week: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            decisions: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  locationId: { type: 'string' },
                  name: { type: 'string' },
                  municipality: { type: 'string' },
                  kind: { type: 'string' },
                  urgent: { type: 'boolean' },
                  decidedOn: { type: 'string' },
                  effectiveFrom: { type: 'string' },
                  endsOn: { type: ['string', 'null'] },
                  explanation: { type: 'string' },
                  objection: { type: 'string' },
                  inForce: { type: 'boolean' },
                },
              },
            },
          },
        },
        400: problemRef,
        503: problemRef,
      },
    },
  }, async (request) => {
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
  });
}
