import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem, type ProblemField, problemTypes } from '../problems.js';

/**
 * The boundary refuses what storage or the engine cannot keep, before any schema, handler or
 * workflow sees it (docs/api-errors.md): PostgreSQL refuses NUL in text, JSON encoders and
 * PostgreSQL choke on lone surrogates, Infinity is not JSON, and a deeply nested value
 * exhausts recursive code further on. Every string that passes is NFC-normalised, so two
 * spellings of "é" are one external reference.
 */
export const maxJsonDepth = 32;

// C0 controls other than tab, line feed and carriage return have no place in text people type.
const forbiddenControl = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(value: string): string | undefined {
  if (forbiddenControl.test(value)) return 'contains a control character (such as NUL) that cannot be stored';
  if (loneSurrogate.test(value)) return 'contains a lone UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

/** Checks a parsed value in place; strings are normalised, problems are collected with their path. */
export function sealValue(value: unknown, path: string, problems: ProblemField[], depth = 0): unknown {
  if (problems.length >= 20) return value;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) problems.push({ field: path, message: problem });
    return problem ? value : value.normalize('NFC');
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.push({ field: path, message: 'is not a finite number' });
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxJsonDepth) {
    problems.push({ field: path, message: `is nested deeper than ${maxJsonDepth} levels` });
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = sealValue(value[i], `${path}.${i}`, problems, depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const problem = textProblem(key);
    if (problem) problems.push({ field: `${path}.${key.replace(/[^\x20-\x7E]/g, '?')}`, message: `has a property name that ${problem.replace(/^contains/, 'contains')}` });
    else record[key] = sealValue(record[key], `${path}.${key}`, problems, depth + 1);
  }
  return value;
}

function refuse(problems: ProblemField[]): void {
  if (problems.length > 0) {
    throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `The request is invalid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, { errors: problems });
  }
}

function sealRequest(request: FastifyRequest): void {
  const problems: ProblemField[] = [];
  request.body = sealValue(request.body, 'body', problems);
  request.query = sealValue(request.query, 'query', problems);
  request.params = sealValue(request.params, 'params', problems);
  refuse(problems);
}

/**
 * Query strings are coerced to numbers by the schema, and ajv lets "1e309" through as Infinity
 * even under `maximum`; so the coerced values are checked once more.
 */
function checkCoerced(request: FastifyRequest): void {
  const problems: ProblemField[] = [];
  sealValue(request.query, 'query', problems);
  sealValue(request.params, 'params', problems);
  refuse(problems);
}

export default fp(async function inputBoundary(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => sealRequest(request));
  app.addHook('preHandler', async (request) => checkCoerced(request));
}, { name: 'input-boundary' });
