import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findLocation, listLocations } from '../../db/repositories/locations.js';
import { type LicenceStatus, type LocationKind, licenceStatuses, locationKinds, staffReaders } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { notFound } from '../problems.js';
import { idParams, idString, listQueryOf, nullableString } from '../schemas/common.js';
import { viewOfRow } from '../schemas/row-view.js';
import { registerReads } from './record-reads.js';
import { protectedRoutes } from './route-options.js';

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
    dossierId: nullableString,
    teamId: nullableString,
    caseManagerId: nullableString,
  },
} as const;

type LocationRow = NonNullable<Awaited<ReturnType<typeof findLocation>>>;

const toView = (l: LocationRow) => viewOfRow(locationSchema, l, { address: `${l.street} ${l.house_number}` });

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

  async function list(request: FastifyRequest<{ Querystring: ListQuery }>) {
    const page = await listLocations(deps.db, request.query);
    return { ...page, items: page.items.map(toView), limit: request.query.limit, offset: request.query.offset };
  }

  async function one(request: FastifyRequest<{ Params: { locationId: string } }>) {
    const location = await findLocation(deps.db, request.params.locationId);
    if (!location) throw notFound(`Location ${request.params.locationId}`);
    return toView(location);
  }

  registerReads(app, protectedRoutes('locations', staffReaders), {
    path: '/locations',
    idParam: 'locationId',
    params: idParams('locationId'),
    query: listQueryOf({
      municipality: { type: 'string', maxLength: 100 },
      kind: { type: 'string', enum: [...locationKinds] },
      licenceStatus: { type: 'string', enum: [...licenceStatuses] },
      organiserId: idString,
      q: { type: 'string', minLength: 1, maxLength: 100 },
    }),
    record: { $ref: 'Location#' },
    listSummary: 'Search childcare locations',
    oneSummary: 'One location with its organiser and dossier',
  }, { list, one });
}
