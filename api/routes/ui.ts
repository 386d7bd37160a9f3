import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

const uiDir = new URL('../../ui/', import.meta.url);
const assets: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'alerts.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'meldingen-list.js': 'text/javascript; charset=utf-8',
  'melding-form.js': 'text/javascript; charset=utf-8',
  'melding-detail.js': 'text/javascript; charset=utf-8',
  'melding-commands.js': 'text/javascript; charset=utf-8',
  'command-form.js': 'text/javascript; charset=utf-8',
  'locations.js': 'text/javascript; charset=utf-8',
  'handhaving-list.js': 'text/javascript; charset=utf-8',
  'handhaving-detail.js': 'text/javascript; charset=utf-8',
  'handhaving-commands.js': 'text/javascript; charset=utf-8',
  'handhaving-form.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/** The web UI: static files that talk to the API with the user's bearer token. */
export default async function uiRoutes(app: FastifyInstance) {
  const serve = (file: string) => async (_: unknown, reply: import('fastify').FastifyReply) =>
    reply.type(assets[file]!).header('cache-control', 'no-cache').send(await readFile(new URL(file, uiDir)));

  app.get('/', { config: { public: true }, schema: { hide: true } }, serve('index.html'));
  for (const file of Object.keys(assets)) {
    app.get(`/ui/${file}`, { config: { public: true }, schema: { hide: true } }, serve(file));
  }
}
