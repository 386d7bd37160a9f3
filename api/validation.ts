import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

/**
 * How the API validates what comes in (docs/api-errors.md, "What the boundary refuses").
 *
 * - Bodies are JSON and are taken as typed: `{"description": 123456}` is refused, not turned
 *   into a string. Query strings and path parameters are text by nature, so only they are
 *   coerced to the declared types.
 * - Dates and instants must lie in a plausible range: `0000-01-01` is a valid ISO date but no
 *   report was received then, and the working calendar cannot count from it.
 */

/** The years a date may name: the oldest dossier history to well past any legal term. */
export const plausibleYears = { min: 1900, max: 2199 } as const;

type AjvInstance = AjvCompiler.Ajv;
type FormatCheck = (value: string) => boolean;

function plausibleYear(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= plausibleYears.min && year <= plausibleYears.max;
}

function restrictDates(ajv: AjvInstance): void {
  for (const name of ['date', 'date-time'] as const) {
    const format = ajv.formats[name] as FormatCheck | { validate: FormatCheck } | undefined;
    const check = typeof format === 'function' ? format : format?.validate;
    if (typeof check !== 'function') throw new Error(`ajv has no ${name} format to restrict`);
    ajv.addFormat(name, { type: 'string', validate: (value: string) => check(value) && plausibleYear(value) });
  }
}

export const ajvOptions = { customOptions: { allErrors: true, removeAdditional: false }, onCreate: restrictDates } satisfies FastifyServerOptions['ajv'];

interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart: string;
}
type Compile = (route: RouteSchema) => unknown;
type CompilerOptions = { customOptions?: Record<string, unknown>; onCreate?: (ajv: AjvInstance) => void };

/**
 * Two compilers, bodies without type coercion, everything else with it. Fastify asks for a
 * compiler once per plugin context; the factories' pools hand each context the same Ajv (one per
 * kind and set of shared schemas) instead of a new one that compiles the meta-schema again (that
 * cost seconds at every start). One pair per app, so two apps never share compiled schemas.
 */
function validatorByPart() {
  const bodies = AjvCompiler();
  const text = AjvCompiler();
  // @fastify/ajv-compiler's types say its compiler takes a schema; at run time Fastify passes
  // the route (schema, method, url, httpPart), which is what tells a body from a query string.
  return (externalSchemas: Record<string, never>, options: CompilerOptions): Compile => {
    const forBody = bodies(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } }) as unknown as Compile;
    const forText = text(externalSchemas, options) as unknown as Compile;
    return (route) => (route.httpPart === 'body' ? forBody(route) : forText(route));
  };
}

export function schemaController() {
  return {
    compilersFactory: { buildValidator: validatorByPart() as unknown as AjvCompiler.ValidatorFactory },
  } satisfies FastifyServerOptions['schemaController'];
}
