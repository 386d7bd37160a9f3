import { nisCodePattern, phonePattern } from '../../db/contact-formats.js';
import { closedObject, idParams, listQueryOf, nullableString, pageOf } from './common.js';

// The municipalities' contact points (lokaal loket kinderopvang, issue 13): schemas of
// api/routes/municipalities.ts. The contact person is personal data: only the single read shows it.

const municipalityName = { type: 'string', minLength: 1, maxLength: 100, description: 'The municipality as the locations register names it, e.g. "Sint-Niklaas"' } as const;
const nisCode = { type: ['string', 'null'], pattern: nisCodePattern.source, description: 'NIS code (5 digits), when known' } as const;
const contactEmail = { type: 'string', format: 'email', maxLength: 200, description: 'The contact point\'s mailbox: letters to local government go here' } as const;
const postalAddress = { type: ['string', 'null'], maxLength: 500, description: 'Postal address, lines separated by a line feed' } as const;

export const contactPersonSchema = closedObject({
  name: { type: 'string', minLength: 1, maxLength: 200 },
  email: { type: ['string', 'null'], format: 'email', maxLength: 200 },
  phone: { type: ['string', 'null'], pattern: phonePattern.source },
}, ['name']);

/** The id of a contact point: the municipality's slug, e.g. `sint-niklaas`. */
export const municipalityParams = idParams('municipalityId', { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+){0,10}$', maxLength: 64 });

/** What an admin enters (PUT): `contactPerson` left out keeps the one recorded, null erases it. */
export const contactPointBody = closedObject({
  municipality: municipalityName,
  nisCode,
  email: contactEmail,
  postalAddress,
  contactPerson: { anyOf: [contactPersonSchema, { type: 'null' }] },
}, ['municipality', 'email']);

/**
 * One row of an import as it comes: every field loosely typed, so the route can answer per row
 * what is wrong with it (400 naming each refused row) instead of one schema error for the body.
 */
export const importBody = closedObject({
  rows: {
    type: 'array',
    minItems: 1,
    maxItems: 1000,
    items: { type: 'object', maxProperties: 20 },
  },
}, ['rows']);

export const contactPointSchema = {
  $id: 'MunicipalityContact',
  type: 'object',
  required: ['id', 'municipality', 'nisCode', 'email', 'postalAddress', 'hasContactPerson', 'updatedAt', 'updatedBy'],
  properties: {
    id: { type: 'string' },
    municipality: { type: 'string' },
    nisCode: nullableString,
    email: { type: 'string' },
    postalAddress: nullableString,
    hasContactPerson: { type: 'boolean' },
    /** Only in the single read (audited). */
    contactPerson: { anyOf: [{ type: 'object', properties: { name: { type: 'string' }, email: nullableString, phone: nullableString } }, { type: 'null' }] },
    updatedAt: { type: 'string', format: 'date-time' },
    updatedBy: { type: 'string' },
  },
} as const;

export const contactPointRef = { $ref: 'MunicipalityContact#' } as const;

export const listQuery = listQueryOf({ q: { type: 'string', minLength: 1, maxLength: 100, description: 'Part of the municipality\'s name' } });

export const listPage = pageOf(contactPointRef, {
  withoutContactPoint: { type: 'array', items: { type: 'string' }, description: 'Municipalities of the locations register without a contact point: their letters wait' },
});

export const importAnswer = {
  type: 'object',
  required: ['imported', 'created', 'updated', 'released'],
  properties: {
    imported: { type: 'integer' },
    created: { type: 'integer' },
    updated: { type: 'integer' },
    released: { type: 'integer', description: 'Letters that waited for these contact points and now go out' },
  },
} as const;
