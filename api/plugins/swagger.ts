import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problemSchema } from '../schemas/common.js';

/** The OpenAPI 3 document at /docs/json and Swagger UI at /docs, generated from the routes' schemas. */
export default fp(async function openapi(app: FastifyInstance) {
  app.addSchema(problemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Handhaving orchestrator',
        description:
          'Reports, enforcement, inspections and risk screening for childcare in Flanders. ' +
          'Every route but health and docs needs a bearer token; errors are RFC 9457 problem+json.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'session', description: 'The calling user' },
        { name: 'locations', description: 'Childcare locations and their organisers' },
        { name: 'dossiers', description: 'A location\'s dossier and its timeline' },
        { name: 'meldingen', description: 'Reports: intake, triage, assignment, deadlines, feedback, closure' },
        { name: 'handhaving', description: 'Enforcement cases: aanmaning, voornemen, beslissing, dringende beslissing, bezwaar' },
        { name: 'public', description: 'Public, read-only, without personal data' },
        { name: 'screening', description: 'Monthly risk screening: runs, selection, screening tasks and codes, reports, risk models' },
        { name: 'inspecties', description: 'Inspection requests to Zorginspectie (Modular): order, status, cancellation, report and advice' },
        { name: 'modular', description: 'The signed webhook Zorginspectie\'s Modular calls (machine to machine, HMAC)' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
});
