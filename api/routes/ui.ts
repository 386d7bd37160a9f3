import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { uiDist } from '../ui-dist.js';
import { unavailable } from '../problems.js';

/** Assets carry a content hash in their name (platform/ui-build.ts): a new build is a new name. */
const immutable = 'public, max-age=31536000, immutable';

/**
 * The web UI (docs/ui.md): the bundle esbuild wrote to ui/dist. `/` is index.html, revalidated on
 * every load (no-cache, with an ETag) so a new build is picked up at once; everything under
 * /ui/assets/ has a hashed name and is cached for a year. All of it is public: the UI signs in
 * and then talks to the API with a bearer token like any other client.
 */
export default async function uiRoutes(app: FastifyInstance) {
  // @fastify/static takes no route config: mark its routes public (api/plugins/auth.ts) here,
  // in this plugin's own context, so no other route is touched.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object | undefined), public: true } as typeof route.config;
  });

  await app.register(fastifyStatic, {
    root: join(uiDist, 'assets'),
    prefix: '/ui/assets/',
    index: false,
    list: false,
    dotfiles: 'deny',
    etag: true,
    lastModified: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      res.header('cache-control', path.endsWith('index.html') ? 'no-cache' : immutable);
    },
  });

  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    if (!existsSync(join(uiDist, 'index.html'))) throw unavailable('The web UI is not built: run `npm run build:ui` (docs/ui.md)');
    return reply.sendFile('index.html', uiDist);
  });
}
