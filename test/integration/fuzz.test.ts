import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../modular/signature.js';
import { type TestSystem, startTestSystem } from './harness.js';
import { untilAllIdle } from './workflow-history.js';

// Issue 10, "Must show": a fuzz test generated from the OpenAPI document. Every operation of
// /docs/json gets requests from fast-check (seeded: FUZZ_SEED reproduces a run), valid-ish values
// from its schemas mixed with hostile ones (NUL and other control characters, lone surrogates,
// 1e309, huge strings, deep nesting, wrong types, extra properties, unknown references, absurd
// dates, bad percent-encoding, long path parameters, bad tokens), over real HTTP.
//
// Two passes:
// - hostile: every request carries at least one defect that must be refused (4xx); afterwards
//   no table of the database has gained or lost a row and no workflow was started;
// - mixed: valid-ish requests, some with defects, as users of every role; no answer may be 5xx.
// Both: no answer slower than REQUEST_TIMEOUT_MS (a hang), every 4xx/5xx problem+json. At the end
// Temporal is asked whether any workflow failed, has a failed workflow task or an activity failing
// (other than a non-retryable data error refused as a command), and the incidents table is empty.

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_101);
const REQUEST_TIMEOUT_MS = 30_000;
const CONCURRENCY = 4;
/** Requests per operation and pass: at least 2,000 in all and 20 per operation, however many operations there are. */
const TOTAL_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2_050);
const perOperation = (operations: number) => {
  const total = Math.max(20, Math.ceil(TOTAL_REQUESTS / operations));
  const hostile = Math.max(8, Math.round(total * 0.4));
  return { hostile, mixed: total - hostile };
};

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  $ref?: string;
};
interface Param {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  id: string;
  method: string;
  path: string;
  public: boolean;
  params: Param[];
  body?: Schema;
}

/** A generated request, ready to send and to print. */
interface Spec {
  op: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  mutations: string[];
  /** The request has a defect that must be refused (hostile pass). */
  mustRefuse: boolean;
  /** Sign as Modular's webhook at send time (the signature covers a current timestamp). */
  sign: boolean;
}

interface Outcome {
  spec: Spec;
  status: number | 'hang' | 'network';
  contentType: string;
  problem?: { type?: unknown; title?: unknown; status?: unknown };
  ms: number;
  error?: string;
}

// ----- reference data: real ids (fixtures made first), and ids that match but do not exist ------

interface Pools {
  locationId: string[];
  organiserId: string[];
  dossierId: string[];
  userId: string[];
  teamId: string[];
  meldingId: string[];
  caseId: string[];
  inspectionId: string[];
  taskId: string[];
  messageId: string[];
  month: string[];
  incidentId: string[];
}

const unknownRefs: Record<keyof Pools, string[]> = {
  locationId: ['LOC-999999', 'LOC-000000', 'loc-1'],
  organiserId: ['ORG-999999', 'ORG-000000'],
  dossierId: ['DOS-999999', 'DOS-000000'],
  userId: ['u-nobody', 'u-kb-antwerpen-99'],
  teamId: ['team-nergens'],
  meldingId: ['MEL-FFFFFFFFFFFFFFFF', 'MEL-0000000000000000'],
  caseId: ['HH-FFFFFFFF', 'HH-00000000'],
  inspectionId: ['INS-FFFFFFFFFFFFFFFF', 'INS-1'],
  taskId: ['SCR-999999', 'TASK-1'],
  messageId: ['999999999', '0'],
  month: ['2199-12', '1900-01'],
  incidentId: [randomUUIDFromSeed(1), randomUUIDFromSeed(2)],
};

/** A fixed UUID (v4 shape) so a seed reproduces the same requests. */
function randomUUIDFromSeed(n: number): string {
  return `${n.toString(16).padStart(8, '0')}-4e1f-4c2a-9b3d-${(n * 7919).toString(16).padStart(12, '0')}`;
}

/** Which pool a field or parameter of this name draws from. */
function poolOf(name: string): keyof Pools | undefined {
  const byName: Record<string, keyof Pools> = {
    locationId: 'locationId',
    organiserId: 'organiserId',
    dossierId: 'dossierId',
    assigneeId: 'userId',
    caseManagerId: 'userId',
    teamId: 'teamId',
    meldingId: 'meldingId',
    caseId: 'caseId',
    inspectionId: 'inspectionId',
    taskId: 'taskId',
    messageId: 'messageId',
    month: 'month',
    incidentId: 'incidentId',
  };
  return byName[name];
}

/** Body fields that name something that must exist: an unknown one is refused (4xx). */
const checkedBodyRefs = new Set(['locationId', 'organiserId', 'assigneeId', 'requestedBy.id']);

const users = ['u-kb-antwerpen-1', 'u-kb-antwerpen-2', 'u-tc-antwerpen', 'u-cc-1', 'u-jur-1', 'u-admin', 'u-tc-centraal'];

// ----- the document ------------------------------------------------------------------------------

function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as { operationId: string; security?: unknown[]; parameters?: Param[]; requestBody?: { content: Record<string, { schema: Schema }> } };
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        public: Array.isArray(op.security) && op.security.length === 0,
        params: op.parameters ?? [],
        body: op.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return ops;
}

// ----- valid-ish values from a schema ------------------------------------------------------------

const textUnit = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;:!?-_/()'.split(''), 'é', 'ë', 'ß', 'ø', '中', '😀', '\n', '\t', 'e\u0301');

function typeOf(s: Schema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null') ?? 'null';
  if (s.type) return s.type;
  if (s.properties) return 'object';
  return undefined;
}

function stringArb(s: Schema, name: string, pools: Pools): fc.Arbitrary<string> {
  const pool = poolOf(name);
  if (pool && (s.pattern || s.format === 'uuid')) {
    const real = pools[pool];
    return real.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: fc.constantFrom(...unknownRefs[pool]) }) : fc.constantFrom(...unknownRefs[pool]);
  }
  if (s.format === 'date-time') {
    return fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-06-30T00:00:00Z'), noInvalidDate: true }).map((d) => (d.getTime() > Date.now() && name === 'receivedAt' ? new Date(Date.now() - 3_600_000) : d).toISOString());
  }
  if (s.format === 'date') return fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'email') return fc.constantFrom('sam.janssens@voorbeeld.test', 'melder@voorbeeld.test');
  if (s.format === 'uuid') return fc.uuid();
  if (name === 'week') return fc.constantFrom('2026-W44', '2026-W01', '2025-W52', '2026-W53', '0000-W00', '2026-W99');
  if (name === 'idempotency-key') return fc.stringMatching(/^[A-Za-z0-9_.:-]{12,24}$/);
  if (name === 'motivation') return fc.constantFrom('Geen signalen van risico in het dossier.', 'Kort', 'Verder onderzoek nodig na de inspectie van vorig jaar.');
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 200));
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 40, 40));
  // Units of up to two code points: keep well inside maxLength.
  return fc.string({ unit: textUnit, minLength: min, maxLength: Math.max(min, Math.floor(max / 2)) });
}

function valueArb(s: Schema, name: string, pools: Pools, depth = 0): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (typeOf(s)) {
    case 'string':
      return stringArb(s, name, pools);
    case 'integer':
      return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1_000, 1_000_000) });
    case 'number':
      return fc.double({ min: s.minimum ?? 0, max: s.maximum ?? 1_000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = valueArb(s.items ?? {}, name, pools, depth + 1);
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 3, 3));
      return s.uniqueItems ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) }) : fc.array(item, { minLength, maxLength });
    }
    case 'object': {
      if (!s.properties) {
        // A free object (Modular's event data): the keys the events use, with values of any kind.
        return fc.dictionary(
          fc.constantFrom('visitDate', 'inspectors', 'documentRef', 'text', 'reason', 'findings', 'advice', 'x'),
          fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant('2026-12-01T09:00:00Z'), fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }), fc.constant({ urgency: 'hoog', enforce: true, motivation: 'm', pointsOfAttention: [] })),
          { maxKeys: 4 },
        );
      }
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(s.properties)) model[key] = valueArb(sub, key, pools, depth + 1);
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in model) });
    }
    default:
      return fc.constantFrom('x', 1, true, null);
  }
}

// ----- defects -------------------------------------------------------------------------------------

const mutationKinds = [
  'nul', // NUL or another C0 control character in a body, query or path string
  'surrogate', // a lone surrogate in a body string or property name
  'surrogateQuery', // a lone surrogate as WTF-8 bytes in the query string (not guaranteed to be refused)
  'nonFinite', // 1e309/-1e309/NaN in a numeric query parameter, 1e309 in a body
  'huge', // a huge string (body: maxLength or 413; query; path: 414)
  'deep', // nesting deeper than 32 levels (up to 5,000) in a body
  'shallowDeep', // nesting of 10-30 levels (not guaranteed to be refused: a free object may hold it)
  'wrongType', // a number for a string, an array for an object, null, …
  'extraProperty', // an unknown property in a body that allows none
  'unknownRef', // an id that matches the pattern but does not exist
  'absurdDate', // 0000-01-01, 9999-12-31T23:59:59Z, 2026-02-30
  'badPercent', // a path parameter that is not validly percent-encoded
  'longPath', // a path parameter over 200 characters
  'badAuth', // no token, a tampered token, a token of an unknown user
  'badHeader', // an Idempotency-Key out of its bounds
  'badContentType', // text/plain, or JSON that does not parse
] as const;
type MutationKind = (typeof mutationKinds)[number];

interface Mutation {
  kind: MutationKind;
  a: number;
  b: number;
}

const controlChars = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000B', '\u000C', '\u001B', '\u001F'];
const absurdInstants = ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1899-12-31T23:59:59Z', '2026-02-30T12:00:00Z', '2026-13-01T00:00:00Z', '+275760-09-13T00:00:00Z'];
const absurdDates = ['0000-01-01', '9999-12-31', '1899-12-31', '2026-02-30', '2026-00-10'];
const badPercents = ['%E0%A4%A', '%ZZ', '%', 'abc%', '%C3%28', '%FF%FE', '%ED%A0%80'];

type Leaf = { path: (string | number)[]; value: unknown; schema?: Schema };

/** The leaves (and containers) of a body with the schema that describes each, if any. */
function nodesOf(value: unknown, schema: Schema | undefined, path: (string | number)[] = [], out: Leaf[] = []): Leaf[] {
  out.push({ path, value, schema });
  if (Array.isArray(value)) value.forEach((v, i) => nodesOf(v, schema?.items, [...path, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nodesOf(v, schema?.properties?.[k], [...path, k], out);
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return root;
}

/** A value of a type the schema does not allow. */
function wrongValue(schema: Schema | undefined, pick: number): unknown {
  const allowed = new Set(Array.isArray(schema?.type) ? schema.type : schema?.type ? [schema.type] : []);
  if (schema?.properties) allowed.add('object');
  if (allowed.has('number')) allowed.add('integer');
  const candidates: [string, unknown][] = [
    ['string', 'text'],
    ['integer', 123456],
    ['number', 1.5],
    ['boolean', true],
    ['array', ['x']],
    ['object', { x: 1 }],
    ['null', null],
  ];
  const wrong = candidates.filter(([t]) => !allowed.has(t) && !(t === 'integer' && allowed.has('number')));
  return (wrong[pick % wrong.length] as [string, unknown])[1];
}

/** Placeholders in a body that JSON.stringify cannot write: replaced in the raw text. */
const INF = '\u0000__INF__';
const deepToken = (n: number) => `\u0000__DEEP_${n}__`;
function deepJson(depth: number, arrays: boolean): string {
  return arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;
}

interface Draft {
  pathValues: Record<string, string>;
  /** Raw (already encoded) path segments by parameter, when a mutation wrote one. */
  rawPath: Record<string, string>;
  query: Record<string, unknown>;
  rawQuery: string[];
  headers: Record<string, string>;
  body: unknown;
  hasBody: boolean;
  contentType: string;
  rawBody?: string;
  user: string | null;
  token?: string;
  sign: boolean;
}

/** Applies one defect; answers whether it was applicable, and whether it guarantees a refusal. */
function applyMutation(op: Operation, d: Draft, m: Mutation): { applied: boolean; refuses: boolean } {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const bodyNodes = d.hasBody ? nodesOf(d.body, op.body) : [];
  const stringLeaves = bodyNodes.filter((n) => typeof n.value === 'string' && n.path.length > 0);
  const pickOf = <T>(list: T[], n = m.a) => list[n % list.length] as T;
  const bodyIsObject = d.hasBody && d.body !== null && typeof d.body === 'object' && !Array.isArray(d.body);
  switch (m.kind) {
    case 'nul': {
      const bad = `Kind ${pickOf(controlChars, m.b)} verwond`;
      const target = m.a % 3;
      if (target === 0 && stringLeaves.length > 0) {
        const leaf = pickOf(stringLeaves, m.b);
        d.body = setAt(d.body, leaf.path, `${String(leaf.value).slice(0, 20)}${pickOf(controlChars, m.a)}`);
      } else if (target === 1 && pathParams.length > 0) {
        d.rawPath[pickOf(pathParams, m.b).name] = encodeURIComponent(bad);
      } else {
        const name = queryParams.length > 0 && m.b % 2 === 0 ? pickOf(queryParams, m.b).name : 'x';
        d.rawQuery.push(`${encodeURIComponent(name)}=${encodeURIComponent(bad)}`);
        delete d.query[name];
      }
      return { applied: true, refuses: true };
    }
    case 'surrogate': {
      if (!bodyIsObject) return { applied: false, refuses: false };
      const lone = m.b % 2 === 0 ? '\uD800' : '\uDC00';
      if (stringLeaves.length > 0 && m.a % 2 === 0) {
        const leaf = pickOf(stringLeaves, m.b);
        d.body = setAt(d.body, leaf.path, `KL-${lone}${String(leaf.value).slice(0, 10)}`);
      } else {
        (d.body as Record<string, unknown>)[`naam${lone}`] = 'x';
      }
      return { applied: true, refuses: true };
    }
    case 'surrogateQuery': {
      const name = queryParams.length > 0 ? pickOf(queryParams).name : 'q';
      d.rawQuery.push(`${name}=a%ED%A0%80b`);
      delete d.query[name];
      return { applied: true, refuses: false };
    }
    case 'nonFinite': {
      const numeric = queryParams.filter((p) => p.schema.type === 'integer' || p.schema.type === 'number');
      if (numeric.length > 0 && (m.a % 3 !== 0 || !d.hasBody)) {
        const p = pickOf(numeric, m.b);
        d.rawQuery.push(`${p.name}=${pickOf(['1e309', '-1e309', 'NaN', 'Infinity', '1e999', '-0x1p+1024'], m.a)}`);
        delete d.query[p.name];
        return { applied: true, refuses: true };
      }
      if (!d.hasBody) return { applied: false, refuses: false };
      const leaves = bodyNodes.filter((n) => n.path.length > 0 && (typeof n.value !== 'object' || n.value === null));
      if (leaves.length > 0) d.body = setAt(d.body, pickOf(leaves, m.b).path, INF);
      else if (bodyIsObject) (d.body as Record<string, unknown>).hours = INF;
      else d.body = INF;
      return { applied: true, refuses: true };
    }
    case 'huge': {
      const where = m.a % 3;
      if (where === 0 && d.hasBody) {
        // Over maxLength (every string has one) but under the body limit, or over the body limit.
        const size = m.b % 2 === 0 ? 30_000 : 70_000;
        const huge = 'é'.repeat(size / 2);
        if (stringLeaves.length > 0) d.body = setAt(d.body, pickOf(stringLeaves, m.b).path, huge);
        else if (bodyIsObject) (d.body as Record<string, unknown>).description = huge;
        else d.body = huge;
        return { applied: true, refuses: size > 60_000 || stringLeaves.length > 0 || op.body?.additionalProperties === false };
      }
      if (where === 1 && pathParams.length > 0) {
        d.rawPath[pickOf(pathParams, m.b).name] = 'A'.repeat(201 + (m.b % 8_000));
        return { applied: true, refuses: true };
      }
      const stringQuery = queryParams.filter((p) => p.schema.type === 'string' && (p.schema.maxLength || p.schema.pattern || p.schema.enum || p.schema.format));
      if (stringQuery.length === 0) return { applied: false, refuses: false };
      const p = pickOf(stringQuery, m.b);
      d.rawQuery.push(`${p.name}=${'x'.repeat(5_000 + (m.b % 5_000))}`);
      delete d.query[p.name];
      return { applied: true, refuses: true };
    }
    case 'deep':
    case 'shallowDeep': {
      if (!d.hasBody) return { applied: false, refuses: false };
      const depth = m.kind === 'deep' ? pickOf([33, 40, 100, 1_000, 5_000], m.b) : 10 + (m.b % 21);
      const token = deepToken(depth * (m.a % 2 === 0 ? 1 : -1));
      const containers = bodyNodes.filter((n) => n.path.length > 0);
      if (containers.length > 0 && m.a % 3 !== 0) d.body = setAt(d.body, pickOf(containers, m.b).path, token);
      else if (bodyIsObject) (d.body as Record<string, unknown>).data = token;
      else d.body = token;
      return { applied: true, refuses: m.kind === 'deep' };
    }
    case 'wrongType': {
      const queryTyped = queryParams.filter((p) => ['integer', 'number', 'boolean'].includes(String(p.schema.type)));
      if (!d.hasBody) {
        if (queryTyped.length === 0) return { applied: false, refuses: false };
        const p = pickOf(queryTyped, m.b);
        d.rawQuery.push(`${p.name}=${pickOf(['abc', '[]', '{}', 'null', '1.5.2', 'tru'], m.a)}`);
        delete d.query[p.name];
        return { applied: true, refuses: true };
      }
      // The whole body, or a top-level property, of a type its schema does not allow.
      const props = Object.keys(op.body?.properties ?? {});
      if (m.a % 3 === 0 || props.length === 0 || !bodyIsObject) {
        d.body = wrongValue(op.body, m.b);
        return { applied: true, refuses: true };
      }
      const key = pickOf(props, m.b);
      (d.body as Record<string, unknown>)[key] = wrongValue(op.body?.properties?.[key], m.a);
      return { applied: true, refuses: op.body?.properties?.[key]?.type !== undefined || op.body?.properties?.[key]?.enum !== undefined };
    }
    case 'extraProperty': {
      if (!bodyIsObject) return { applied: false, refuses: false };
      const leaves = bodyNodes.filter((n) => n.value && typeof n.value === 'object' && !Array.isArray(n.value));
      const node = pickOf(leaves, m.b);
      (node.value as Record<string, unknown>)[pickOf(['unexpected', 'isAdmin', '__proto__x', 'constructor', 'status'], m.a)] = 1;
      return { applied: true, refuses: (node.schema ?? op.body)?.additionalProperties === false };
    }
    case 'unknownRef': {
      const refParams = pathParams.filter((p) => poolOf(p.name));
      const bodyRefs = bodyNodes.filter((n) => {
        const name = n.path.map(String).join('.');
        return typeof n.value === 'string' && [...checkedBodyRefs].some((r) => name === r || name.endsWith(`.${r}`));
      });
      if (refParams.length > 0 && (bodyRefs.length === 0 || m.a % 2 === 0)) {
        const p = pickOf(refParams, m.b);
        d.pathValues[p.name] = pickOf(unknownRefs[poolOf(p.name) as keyof Pools], m.a);
        return { applied: true, refuses: true };
      }
      if (bodyRefs.length > 0) {
        const leaf = pickOf(bodyRefs, m.b);
        const last = String(leaf.path[leaf.path.length - 1]);
        const pool = (last === 'id' ? 'meldingId' : (poolOf(last) ?? 'locationId')) as keyof Pools;
        d.body = setAt(d.body, leaf.path, pickOf(unknownRefs[pool], m.a));
        // requestedBy {type: handhaving|risicoscreening, id}: an unknown id must be refused too.
        return { applied: true, refuses: true };
      }
      // POST /meldingen without a location yet: give it an unknown one.
      if (bodyIsObject && op.body?.properties?.location) {
        (d.body as Record<string, unknown>).location = m.b % 2 === 0 ? { organiserId: 'ORG-999999' } : { locationId: 'LOC-999999' };
        return { applied: true, refuses: true };
      }
      const refQuery = queryParams.filter((p) => poolOf(p.name) && p.schema.pattern);
      if (refQuery.length === 0) return { applied: false, refuses: false };
      const p = pickOf(refQuery, m.b);
      d.query[p.name] = pickOf(unknownRefs[poolOf(p.name) as keyof Pools], m.a);
      return { applied: true, refuses: false }; // a filter naming nothing finds nothing
    }
    case 'absurdDate': {
      // Months (YYYY-MM) and ISO weeks (YYYY-Www) are dates too: year 0000 is as absurd there.
      const periodic = (schema: Schema | undefined) => /0\[1-9\]\|1\[0-2\]|W\\d\{2\}/.test(schema?.pattern ?? '');
      const absurdPeriod = (schema: Schema | undefined) => (/W/.test(schema?.pattern ?? '') ? pickOf(['0000-W01', '9999-W52', '2026-W00', '2026-W54'], m.b) : pickOf(['0000-01', '9999-12', '1899-12'], m.b));
      const periodPaths = pathParams.filter((p) => periodic(p.schema));
      const periodQuery = queryParams.filter((p) => periodic(p.schema));
      const periodBody = Object.entries(op.body?.properties ?? {}).filter(([, s]) => periodic(s));
      if (m.a % 4 === 3 && (periodPaths.length > 0 || periodQuery.length > 0 || (bodyIsObject && periodBody.length > 0))) {
        if (periodPaths.length > 0) {
          const p = pickOf(periodPaths, m.b);
          d.pathValues[p.name] = absurdPeriod(p.schema);
        } else if (periodQuery.length > 0) {
          const p = pickOf(periodQuery, m.b);
          d.query[p.name] = absurdPeriod(p.schema);
        } else {
          const [key, s] = pickOf(periodBody, m.b);
          (d.body as Record<string, unknown>)[key] = absurdPeriod(s);
        }
        return { applied: true, refuses: true };
      }
      const dated = bodyNodes.filter((n) => n.schema?.format === 'date' || n.schema?.format === 'date-time');
      const datedBody = Object.entries(op.body?.properties ?? {}).filter(([, s]) => s.format === 'date' || s.format === 'date-time');
      const datedQuery = queryParams.filter((p) => p.schema.format === 'date' || p.schema.format === 'date-time');
      if (dated.length > 0 && m.a % 2 === 0) {
        const leaf = pickOf(dated, m.b);
        d.body = setAt(d.body, leaf.path, leaf.schema?.format === 'date' ? pickOf(absurdDates, m.a) : pickOf(absurdInstants, m.a));
        return { applied: true, refuses: true };
      }
      if (bodyIsObject && datedBody.length > 0) {
        const [key, s] = pickOf(datedBody, m.b);
        (d.body as Record<string, unknown>)[key] = s.format === 'date' ? pickOf(absurdDates, m.a) : pickOf(absurdInstants, m.a);
        return { applied: true, refuses: true };
      }
      if (datedQuery.length === 0) return { applied: false, refuses: false };
      const p = pickOf(datedQuery, m.b);
      d.query[p.name] = p.schema.format === 'date' ? pickOf(absurdDates, m.a) : pickOf(absurdInstants, m.a);
      return { applied: true, refuses: true };
    }
    case 'badPercent': {
      if (pathParams.length === 0) return { applied: false, refuses: false };
      d.rawPath[pickOf(pathParams, m.b).name] = `A${pickOf(badPercents, m.a)}`;
      return { applied: true, refuses: true };
    }
    case 'longPath': {
      if (pathParams.length === 0) return { applied: false, refuses: false };
      d.rawPath[pickOf(pathParams, m.b).name] = pickOf(['LOC-', 'MEL-', 'HH-', 'x'], m.a) + '9'.repeat(197 + (m.b % 10_000));
      return { applied: true, refuses: true };
    }
    case 'badAuth': {
      if (op.public) return { applied: false, refuses: false };
      d.user = null;
      d.token = pickOf(['', 'garbage', 'tampered', 'unknown-user', 'basic', 'empty-bearer'], m.a);
      return { applied: true, refuses: true };
    }
    case 'badHeader': {
      const header = op.params.find((p) => p.in === 'header' && p.name === 'idempotency-key');
      if (!header) return { applied: false, refuses: false };
      d.headers['idempotency-key'] = pickOf(['short', 'k'.repeat(300)], m.a);
      return { applied: true, refuses: true };
    }
    case 'badContentType': {
      if (!d.hasBody) return { applied: false, refuses: false };
      const variant = m.a % 3;
      if (variant === 0) d.contentType = 'text/plain';
      else if (variant === 1) d.contentType = 'application/x-www-form-urlencoded';
      else d.rawBody = pickOf(['{"a":', '{bad json}', "{'single':1}", '[1,2,', '\u0000'], m.b);
      // The webhook reads any unparsable JSON as {} (then its schema refuses it: 400).
      return { applied: true, refuses: true };
    }
  }
}

const mutationArb = (kinds: readonly MutationKind[]) => fc.record({ kind: fc.constantFrom(...kinds), a: fc.nat(10_000), b: fc.nat(10_000) });

function draftArb(op: Operation, pools: Pools) {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of op.params.filter((x) => x.in === 'path')) model[p.name] = valueArb(p.schema, p.name, pools);
  const pathArb = fc.record(model);
  const qModel: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of op.params.filter((x) => x.in === 'query')) qModel[p.name] = valueArb(p.schema, p.name, pools);
  const queryArb = fc.record(qModel, { requiredKeys: op.params.filter((p) => p.in === 'query' && p.required).map((p) => p.name) });
  const hasKey = op.params.some((p) => p.in === 'header' && p.name === 'idempotency-key');
  return fc.record({
    pathValues: pathArb,
    query: queryArb,
    key: hasKey ? fc.option(fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), { nil: undefined, freq: 2 }) : fc.constant(undefined),
    body: op.body ? valueArb(op.body, 'body', pools) : fc.constant(undefined),
    user: fc.constantFrom(...users),
    sign: fc.boolean(),
  });
}

function tokenFor(sys: TestSystem, d: Draft): string | undefined {
  if (d.user) return `Bearer ${sys.token(d.user)}`;
  switch (d.token) {
    case 'garbage':
      return 'Bearer garbage.garbage.garbage';
    case 'tampered': {
      const t = sys.token('u-admin');
      return `Bearer ${t.slice(0, -4)}${t.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    }
    case 'unknown-user':
      return `Bearer ${sys.token('u-nobody')}`;
    case 'basic':
      return 'Basic dS1hZG1pbjpzZWNyZXQ=';
    case 'empty-bearer':
      return 'Bearer ';
    default:
      return undefined;
  }
}

function materialize(sys: TestSystem, op: Operation, sample: { draft: Record<string, unknown>; mutations: Mutation[] }, hostile: boolean): Spec | undefined {
  const g = sample.draft as { pathValues: Record<string, string>; query: Record<string, unknown>; key?: string; body: unknown; user: string; sign: boolean };
  const d: Draft = {
    pathValues: { ...g.pathValues },
    rawPath: {},
    query: { ...g.query },
    rawQuery: [],
    headers: g.key ? { 'idempotency-key': g.key } : {},
    body: structuredClone(g.body),
    hasBody: op.body !== undefined,
    contentType: 'application/json',
    user: g.user,
    sign: op.id === 'postModularWebhook' && (hostile || g.sign),
  };
  const applied: string[] = [];
  let refuses = false;
  const mutations = [...sample.mutations];
  // A hostile request whose defects all missed this operation gets one every operation refuses.
  if (hostile) mutations.push({ kind: 'nul', a: sample.mutations[0]?.a ?? 0, b: sample.mutations[0]?.b ?? 0 });
  for (const m of mutations) {
    if (hostile && refuses && m === mutations[mutations.length - 1]) break;
    const r = applyMutation(op, d, m);
    if (r.applied) {
      applied.push(m.kind);
      refuses ||= r.refuses;
    }
  }
  if (hostile && !refuses) return undefined;

  let path = op.path;
  for (const p of op.params.filter((x) => x.in === 'path')) {
    const raw = d.rawPath[p.name] ?? encodeURIComponent(String(d.pathValues[p.name]));
    path = path.replace(`{${p.name}}`, raw);
  }
  const query = [
    ...Object.entries(d.query).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`),
    ...d.rawQuery,
  ];
  const headers: Record<string, string> = { ...d.headers };
  if (!op.public) {
    const auth = tokenFor(sys, d);
    if (auth !== undefined) headers.authorization = auth;
  }
  let body: string | undefined;
  if (d.hasBody) {
    body = d.rawBody ?? JSON.stringify(d.body) ?? 'null';
    body = body.replaceAll(JSON.stringify(INF), '1e309');
    body = body.replace(/"\\u0000__DEEP_(-?\d+)__"/g, (_, n: string) => deepJson(Math.abs(Number(n)), Number(n) < 0));
    headers['content-type'] = d.contentType;
  }
  return {
    op: op.id,
    method: op.method,
    url: `${path}${query.length > 0 ? `?${query.join('&')}` : ''}`,
    headers,
    body,
    mutations: applied,
    mustRefuse: hostile,
    sign: d.sign,
  };
}

/** FNV-1a of a string. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function generate(sys: TestSystem, ops: Operation[], pools: Pools, hostile: boolean, perOperation: number): Spec[] {
  const specs: Spec[] = [];
  for (const op of ops) {
    const drafts = draftArb(op, pools);
    const arb = hostile
      ? fc.record({ draft: drafts, mutations: fc.tuple(mutationArb(mutationKinds), fc.array(mutationArb(mutationKinds), { maxLength: 1 })).map(([m, ms]) => [m, ...ms]) })
      : fc.record({ draft: drafts, mutations: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 4, arbitrary: fc.array(mutationArb(mutationKinds), { minLength: 1, maxLength: 2 }) }) });
    // One stream per operation and pass, derived from the one seed and the operation's id (so a
    // route added elsewhere does not change the requests of the others).
    const seed = (SEED ^ hashOf(`${op.id}:${hostile ? 'hostile' : 'mixed'}`)) | 0;
    const samples = fc.sample(arb as fc.Arbitrary<{ draft: Record<string, unknown>; mutations: Mutation[] }>, { seed, numRuns: perOperation * 8 });
    let made = 0;
    for (const s of samples) {
      if (made >= perOperation) break;
      const spec = materialize(sys, op, s, hostile);
      if (spec) {
        specs.push(spec);
        made++;
      }
    }
    if (made < perOperation) throw new Error(`${op.id}: only ${made} of ${perOperation} requests could be made`);
  }
  return specs;
}

// ----- sending ---------------------------------------------------------------------------------------

async function send(sys: TestSystem, spec: Spec): Promise<Outcome> {
  const started = Date.now();
  const headers = { ...spec.headers };
  if (spec.sign && spec.body !== undefined) {
    const at = Math.floor(Date.now() / 1000);
    headers['x-modular-timestamp'] = String(at);
    headers['x-modular-signature'] = signWebhook(sys.modular!.secret, at, spec.body);
  }
  try {
    const res = await fetch(`${sys.url}${spec.url}`, { method: spec.method, headers, body: spec.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const contentType = res.headers.get('content-type') ?? '';
    if (contentType.startsWith('text/event-stream') && res.status < 400) {
      // A stream answers at once and then stays open by design: its headers are the answer.
      await res.body?.cancel();
      return { spec, status: res.status, contentType, ms: Date.now() - started };
    }
    const text = await res.text();
    let problem: Outcome['problem'];
    if (res.status >= 400) {
      try {
        problem = JSON.parse(text) as Outcome['problem'];
      } catch {
        problem = undefined;
      }
    }
    return { spec, status: res.status, contentType, problem, ms: Date.now() - started };
  } catch (err) {
    const e = err as Error;
    const hang = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { spec, status: hang ? 'hang' : 'network', contentType: '', ms: Date.now() - started, error: `${e.name}: ${e.message} ${String((e as { cause?: unknown }).cause ?? '')}` };
  }
}

async function sendAll(sys: TestSystem, specs: Spec[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(specs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < specs.length) {
        const i = next++;
        outcomes[i] = await send(sys, specs[i] as Spec);
      }
    }),
  );
  return outcomes;
}

function describeSpec(spec: Spec): string {
  const body = spec.body === undefined ? '' : ` body=${spec.body.length > 300 ? `${spec.body.slice(0, 300)}… (${spec.body.length} chars)` : spec.body}`;
  const url = spec.url.length > 300 ? `${spec.url.slice(0, 300)}… (${spec.url.length} chars)` : spec.url;
  const auth = spec.headers.authorization ? ' (authorized)' : '';
  return `${spec.op}: ${spec.method} ${url}${auth} [${spec.mutations.join(',') || 'valid-ish'}]${body}`;
}

/** The commands accepted before this one on the same resource (its id in the path): how it got there. */
function historyOf(outcomes: Outcome[], index: number): string {
  const id = /\/(MEL-[0-9A-F]{16}|HH-[0-9A-F]{8}|INS-[0-9A-F]{16}|[A-Z]+-\d{6})(\/|$)/.exec((outcomes[index] as Outcome).spec.url)?.[1];
  if (!id) return '';
  const before = outcomes.slice(0, index).filter((o) => o.spec.method === 'POST' && typeof o.status === 'number' && o.status < 300 && o.spec.url.includes(id));
  return before.length === 0 ? '' : `\n    after (sent earlier, up to ${CONCURRENCY} at once): ${before.map((o) => `${o.status} ${describeSpec(o.spec)}`).join('\n      ')}`;
}

/** The findings of one pass: everything that breaks the contract, with the request that did it. */
function findingsOf(outcomes: Outcome[]): string[] {
  const findings: string[] = [];
  for (const [i, o] of outcomes.entries()) {
    if (o.status === 'hang') findings.push(`hang (no answer in ${REQUEST_TIMEOUT_MS} ms): ${describeSpec(o.spec)}${historyOf(outcomes, i)}`);
    else if (o.status === 'network') findings.push(`network error ${o.error}: ${describeSpec(o.spec)}`);
    else if (o.status >= 500) findings.push(`${o.status}: ${describeSpec(o.spec)}${historyOf(outcomes, i)}`);
    else if (o.spec.mustRefuse && o.status < 400) findings.push(`accepted (${o.status}) though it must be refused: ${describeSpec(o.spec)}`);
    if (typeof o.status === 'number' && o.status >= 400) {
      const p = o.problem;
      if (!o.contentType.startsWith('application/problem+json')) findings.push(`${o.status} answered as ${o.contentType || 'no content type'}: ${describeSpec(o.spec)}`);
      else if (!p || typeof p.type !== 'string' || typeof p.title !== 'string' || p.status !== o.status) findings.push(`${o.status} without type/title/status: ${describeSpec(o.spec)}`);
    }
  }
  return findings;
}

function tally(outcomes: Outcome[]) {
  const perStatus: Record<string, number> = {};
  for (const o of outcomes) perStatus[String(o.status)] = (perStatus[String(o.status)] ?? 0) + 1;
  return perStatus;
}

// ----- the database and Temporal -------------------------------------------------------------------

/**
 * Rows per table of the application's schema: not the migration bookkeeping, nor the dashboard's
 * summaries and deltas, which the worker's fold moves between each other whenever it runs (derived
 * from the registers; dashboard-aggregates.test.ts holds them equal to them).
 */
async function tableCounts(sys: TestSystem): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' and table_name not like 'dashboard_%' order by table_name`.execute(sys.db);
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table_name)}`.execute(sys.db);
    counts[table_name] = Number(r.rows[0]?.n ?? 0);
  }
  return counts;
}

/**
 * Waits (bounded) until every workflow of this system has processed what it was given (nothing
 * outstanding in Temporal: workflow-history.ts), then counts: the requests have all been answered,
 * so only a workflow could still write. A workflow that stays busy (an activity retrying) is
 * logged and left to the engine report.
 */
async function settled(sys: TestSystem, timeoutMs = 20_000): Promise<Record<string, number>> {
  await untilAllIdle(sys, timeoutMs).catch((err: Error) => console.log(`fuzz: not settled: ${err.message.slice(0, 1_000)}`));
  return tableCounts(sys);
}

async function workflowCount(sys: TestSystem): Promise<number> {
  return (await sys.temporal.workflow.count(`TaskQueue = "${sys.taskQueue}"`)).count;
}

interface EngineReport {
  workflows: number;
  byStatus: Record<string, number>;
  problems: string[];
  refusedDataErrors: number;
}

/** Asks Temporal about every workflow of this system: failed, failing workflow tasks, failing activities. */
async function engineReport(sys: TestSystem): Promise<EngineReport> {
  const executions: { workflowId: string; runId: string; status: string; type: string }[] = [];
  for await (const wf of sys.temporal.workflow.list({ query: `TaskQueue = "${sys.taskQueue}"` })) {
    executions.push({ workflowId: wf.workflowId, runId: wf.runId, status: wf.status.name, type: wf.type });
  }
  const report: EngineReport = { workflows: executions.length, byStatus: {}, problems: [], refusedDataErrors: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < executions.length) {
        const wf = executions[next++] as (typeof executions)[number];
        report.byStatus[wf.status] = (report.byStatus[wf.status] ?? 0) + 1;
        const name = `${wf.type} ${wf.workflowId}`;
        if (['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(wf.status)) report.problems.push(`${name}: ${wf.status}`);
        const handle = sys.temporal.workflow.getHandle(wf.workflowId, wf.runId);
        const description = await handle.describe();
        for (const pending of description.raw.pendingActivities ?? []) {
          if ((pending.attempt ?? 1) > 1) report.problems.push(`${name}: activity ${pending.activityType?.name} pending at attempt ${pending.attempt}: ${pending.lastFailure?.message ?? ''}`);
        }
        const history = await handle.fetchHistory();
        for (const event of history.events ?? []) {
          if (event.workflowTaskFailedEventAttributes) {
            report.problems.push(`${name}: workflow task failed: ${event.workflowTaskFailedEventAttributes.failure?.message ?? event.workflowTaskFailedEventAttributes.cause}`);
          }
          const failed = event.activityTaskFailedEventAttributes?.failure;
          if (failed) {
            const info = failed.applicationFailureInfo;
            // A data error inside a command is refused to its caller (400) and retried never: allowed.
            if (info?.nonRetryable && info.type === 'DataError') report.refusedDataErrors++;
            else report.problems.push(`${name}: activity failed: ${info?.type ?? ''} ${failed.message ?? ''}`);
          }
          if (event.activityTaskTimedOutEventAttributes) report.problems.push(`${name}: activity timed out`);
        }
      }
    }),
  );
  return report;
}

// ----- fixtures: one of each thing the commands act on ------------------------------------------

async function makeFixtures(sys: TestSystem): Promise<Pools> {
  const dossiers = await sys.db
    .selectFrom('dossiers as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .select(['d.id as dossierId', 'l.id as locationId', 'l.organiser_id as organiserId'])
    .where('d.team_id', '=', 'team-antwerpen')
    .orderBy('d.id')
    .limit(6)
    .execute();
  const post = async (path: string, as: string, json: unknown) => {
    const res = await sys.http(path, { method: 'POST', as, json });
    const body = (await res.json()) as { id?: string; caseId?: string };
    if (res.status >= 300) throw new Error(`fixture ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const loc = (i: number) => dossiers[i]?.locationId as string;
  const multiOrganiser = await sys.db.selectFrom('locations').select('organiser_id').groupBy('organiser_id').having(sql`count(*)`, '>', 1).orderBy('organiser_id').executeTakeFirst();
  const meldingen = [
    await post('/meldingen', 'u-kb-antwerpen-1', { source: 'derde', channel: 'webformulier', location: { locationId: loc(0) }, description: 'De ruimte is rommelig en onveilig.', categories: ['kwaliteit_pedagogisch'] }),
    await post('/meldingen', 'u-kb-antwerpen-1', { source: 'voorziening', channel: 'telefoon', location: { locationId: loc(1) }, description: 'Een kind werd vastgebonden.', categories: ['vastbinden'], immediateDanger: true }),
    await post('/meldingen', 'u-kb-antwerpen-1', { source: 'derde', channel: 'email', location: { ...(multiOrganiser ? { organiserId: multiOrganiser.organiser_id } : {}), addressText: 'Kerkstraat 1, Antwerpen' }, description: 'Te veel kinderen in de opvang.', categories: [] }),
  ];
  const enforcement = await post('/handhaving', 'u-kb-antwerpen-1', { locationId: loc(2), milestone: { kind: 'rechtstreeks', note: 'Ernstige tekortkomingen vastgesteld.' } }).catch(() => undefined);
  const inspection = await post('/inspections', 'u-kb-antwerpen-1', { locationId: loc(3), reason: 'Signalen over de veiligheid.', urgency: 'regulier' }).catch(() => undefined);
  await post('/screening-runs', 'u-admin', { month: '2026-10', selectionSize: 3 }).catch(() => undefined);
  const deadline = Date.now() + 30_000;
  let tasks: { id: string }[] = [];
  while (Date.now() < deadline) {
    tasks = await sys.db.selectFrom('screening_tasks').select('id').orderBy('id').execute();
    const run = await sys.db.selectFrom('screening_runs').select('status').where('month', '=', '2026-10').executeTakeFirst();
    if (run?.status === 'afgerond') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const messages = await sys.db.selectFrom('outbox_messages').select('id').orderBy('id').limit(3).execute();
  return {
    locationId: dossiers.map((d) => d.locationId),
    organiserId: [...new Set(dossiers.map((d) => d.organiserId))],
    dossierId: dossiers.map((d) => d.dossierId),
    userId: ['u-kb-antwerpen-1', 'u-kb-antwerpen-2', 'u-tc-antwerpen', 'u-cc-1', 'u-jur-1'],
    teamId: ['team-antwerpen', 'team-centraal'],
    meldingId: meldingen.map((m) => m.id as string),
    caseId: enforcement?.caseId ? [enforcement.caseId] : enforcement?.id ? [enforcement.id] : [],
    inspectionId: inspection?.id ? [inspection.id] : [],
    taskId: tasks.slice(0, 3).map((t) => t.id),
    messageId: messages.map((m) => String(m.id)),
    month: ['2026-10', '2026-11', '2026-09'],
    incidentId: [],
  };
}

// ----- the test ----------------------------------------------------------------------------------

let sys: TestSystem;
let operations: Operation[];
let pools: Pools;

beforeAll(async () => {
  sys = await startTestSystem({ modular: {}, channels: true });
  const doc = (await (await fetch(`${sys.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  operations = operationsOf(doc);
  pools = await makeFixtures(sys);
}, 180_000);

afterAll(async () => {
  await sys?.stop();
});

describe(`fuzz from the OpenAPI document (FUZZ_SEED=${SEED})`, () => {
  const allOutcomes: Outcome[] = [];

  it('hostile pass: every defect is refused with problem+json, nothing is written, no workflow starts', async () => {
    console.log(`fuzz: FUZZ_SEED=${SEED} (set FUZZ_SEED to reproduce or vary), ${operations.length} operations`);
    const specs = generate(sys, operations, pools, true, perOperation(operations.length).hostile);
    const before = await settled(sys);
    const workflowsBefore = await workflowCount(sys);
    const started = Date.now();
    const outcomes = await sendAll(sys, specs);
    allOutcomes.push(...outcomes);
    // Anything a refused request would have set going has run: every workflow has processed its inputs.
    const after = await settled(sys);
    const changed = Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]).map((t) => `${t}: ${before[t]} → ${after[t]}`);
    const findings = findingsOf(outcomes);
    console.log(`fuzz hostile pass: ${outcomes.length} requests in ${Date.now() - started} ms, per status ${JSON.stringify(tally(outcomes))}, tables changed: ${changed.length}`);
    for (const f of findings.slice(0, 40)) console.log(`  ${f}`);
    expect({ findings, changed, workflowsStarted: (await workflowCount(sys)) - workflowsBefore }).toEqual({ findings: [], changed: [], workflowsStarted: 0 });
  }, 150_000);

  it('mixed pass: valid-ish and hostile requests of every role, no 5xx, no hang, every error problem+json', async () => {
    const specs = generate(sys, operations, pools, false, perOperation(operations.length).mixed);
    const started = Date.now();
    const outcomes = await sendAll(sys, specs);
    allOutcomes.push(...outcomes);
    const findings = findingsOf(outcomes);
    console.log(`fuzz mixed pass: ${outcomes.length} requests in ${Date.now() - started} ms, per status ${JSON.stringify(tally(outcomes))}`);
    for (const f of findings.slice(0, 40)) console.log(`  ${f}`);
    expect(findings).toEqual([]);
  }, 150_000);

  it('totals: at least 2,000 requests, at least 20 per operation, none 5xx, none hung', () => {
    const counted = new Map<string, number>();
    const timeOf = new Map<string, number>();
    for (const o of allOutcomes) {
      counted.set(o.spec.op, (counted.get(o.spec.op) ?? 0) + 1);
      timeOf.set(o.spec.op, (timeOf.get(o.spec.op) ?? 0) + o.ms);
    }
    const costliest = [...timeOf].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([op, ms]) => `${op} ${ms} ms`).join(', ');
    const fiveXx = allOutcomes.filter((o) => typeof o.status === 'number' && o.status >= 500).length;
    const hangs = allOutcomes.filter((o) => o.status === 'hang').length;
    const notProblem = allOutcomes.filter((o) => typeof o.status === 'number' && o.status >= 400 && !o.contentType.startsWith('application/problem+json')).length;
    const slowest = [...allOutcomes].sort((a, b) => b.ms - a.ms)[0];
    console.log(`fuzz totals: ${allOutcomes.length} requests over ${counted.size} operations, per status ${JSON.stringify(tally(allOutcomes))}, 5xx ${fiveXx}, hangs ${hangs}, non-problem+json errors ${notProblem}, slowest ${slowest?.ms} ms (${slowest ? describeSpec(slowest.spec).slice(0, 160) : ''}); most time: ${costliest}`);
    expect(allOutcomes.length).toBeGreaterThanOrEqual(2_000);
    expect(counted.size).toBe(operations.length);
    expect(Math.min(...counted.values())).toBeGreaterThanOrEqual(20);
    expect({ fiveXx, hangs, notProblem }).toEqual({ fiveXx: 0, hangs: 0, notProblem: 0 });
  });

  it('afterwards: no workflow failed or has a failed workflow task or a failing activity; no incident', async () => {
    // Let the work the accepted requests set going run (or fail) first.
    await settled(sys, 15_000);
    const report = await engineReport(sys);
    const incidents = await sys.db.selectFrom('incidents').select(['workflow_id', 'activity_type', 'message']).execute();
    console.log(`fuzz engine: ${report.workflows} workflows ${JSON.stringify(report.byStatus)}, data errors refused as commands ${report.refusedDataErrors}, problems ${report.problems.length}, incidents ${incidents.length}`);
    for (const p of report.problems.slice(0, 40)) console.log(`  ${p}`);
    expect({ problems: report.problems, incidents }).toEqual({ problems: [], incidents: [] });
  }, 120_000);
});
