import type { FastifyInstance } from 'fastify';
import { findLocation, listLocations } from '../../db/repositories/locations.js';
import { type LicenceStatus, type LocationKind, licenceStatuses, locationKinds, staffReaders } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { notFound } from '../problems.js';
import { errorResponses, idPattern, pagingQuery, pageOf } from '../schemas/common.js';

const locationSchema = {
  $id: 'Location',
  type: 'object',
  required: ['id', 'name', 'kind', 'capacity', 'municipality', 'province', 'licenceStatus', 'organiserId', 'organiserName'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: [...locationKinds] },
    capacity: { type: 'integer' },
    address: { type: 'string' },
    postalCode: { type: 'string' },
    municipality: { type: 'string' },
    province: { type: 'string' },
    licenceStatus: { type: 'string', enum: [...licenceStatuses] },
    licensedSince: { type: 'string', format: 'date' },
    organiserId: { type: 'string' },
    organiserName: { type: 'string' },
    dossierId: { type: ['string', 'null'] },
    teamId: { type: ['string', 'null'] },
    caseManagerId: { type: ['string', 'null'] },
  },
} as const;

type LocationRow = NonNullable<Awaited<ReturnType<typeof findLocation>>>;

function toView(l: LocationRow) {
  return {
    id: l.id,
    name: l.name,
    kind: l.kind,
    capacity: l.capacity,
    address: `${l.street} ${l.house_number}`,
    postalCode: l.postal_code,
    municipality: l.municipality,
    province: l.province,
    licenceStatus: l.licence_status,
    licensedSince: l.licensed_since,
    organiserId: l.organiser_id,
    organiserName: l.organiser_name,
    dossierId: l.dossier_id,
    teamId: l.team_id,
    caseManagerId: l.case_manager_id,
  };
}

interface ListQuery {
  municipality?: string;
  kind?: LocationKind;
  licenceStatus?: LicenceStatus;
  organiserId?: string;
  q?: string;
  limit: number;
  offset: number;
}

export default async function locationRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(locationSchema);

  app.get<{ Querystring: ListQuery }>('/locations', {
    config: { roles: staffReaders },
    schema: {
      tags: ['locations'],
      summary: 'Search childcare locations',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          municipality: { type: 'string', maxLength: 100 },
          kind: { type: 'string', enum: [...locationKinds] },
          licenceStatus: { type: 'string', enum: [...licenceStatuses] },
          organiserId: { type: 'string', pattern: idPattern },
          q: { type: 'string', minLength: 1, maxLength: 100 },
          ...pagingQuery,
        },
      },
      response: {
        200: pageOf({ $ref: 'Location#' }),
        ...errorResponses(400),
      },
    },
  }, async (request) => {
    const { items, total } = await listLocations(deps.db, request.query);
    return { items: items.map(toView), total, limit: request.query.limit, offset: request.query.offset };
  });

  app.get<{ Params: { locationId: string } }>('/locations/:locationId', {
    config: { roles: staffReaders },
    schema: {
      tags: ['locations'],
      summary: 'One location with its organiser and dossier',
      params: {
        type: 'object',
        required: ['locationId'],
        properties: { locationId: { type: 'string', pattern: idPattern } },
      },
      response: { 200: { $ref: 'Location#' }, ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const location = await findLocation(deps.db, request.params.locationId);
    if (!location) throw notFound(`Location ${request.params.locationId}`);
    return toView(location);
  });
}
