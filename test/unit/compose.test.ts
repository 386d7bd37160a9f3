/**
 * temporal-dev.yml is never started on the build machine (no Docker engine there), so this test
 * reads it as data and checks what would break a real `docker compose up`: missing services, wiring
 * between them (addresses, database credentials, start order), environment that platform/config.ts would
 * reject, literal secrets, and the Temporal namespace and search attributes the workflows need.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, variables } from '../../platform/config.js';
import { searchAttributeCliArgs } from '../../workflows/search-attributes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(`${root}${file}`, 'utf8');

/** The custom search attributes the workflows set, from workflows/search-attributes.ts. */
const EXPECTED_SEARCH_ATTRIBUTES: Record<string, string> = Object.fromEntries(
  searchAttributeCliArgs().map((pair) => pair.split('=') as [string, string]),
);

/** What an operator supplies at `docker compose up` (shell or .env); never written in the file. */
const SAMPLE_ENV: Record<string, string> = {
  JWT_SECRET: 'sample-jwt-secret-'.padEnd(40, '0'),
  APP_DB_PASSWORD: 'sampleappdbpassword0123456789',
  APP_DB_APP_PASSWORD: 'sampleapprolepassword0123456789',
  TEMPORAL_DB_PASSWORD: 'sampletemporaldbpassword0123456789',
  MODULAR_URL: 'https://modular.zorginspectie.example',
  MODULAR_WEBHOOK_SECRET: 'sample-modular-webhook-secret-'.padEnd(40, '0'),
  PAYLOAD_KEYS: `sample-1:${Buffer.alloc(32, 7).toString('base64')}`,
};

const APP_SERVICES = ['migrate', 'worker', 'api'] as const;
const TEMPORAL_PORT = 7233;

type PortEntry = string | number | { target: number | string; published?: number | string };
type DependsOn = string[] | Record<string, { condition?: string }>;

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: PortEntry[];
  expose?: (string | number)[];
  depends_on?: DependsOn;
  container_name?: string;
  healthcheck?: { test?: string | string[] };
  restart?: string;
  stop_grace_period?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
}

const composeText = read('temporal-dev.yml');
// `merge: true`: the file shares settings with YAML 1.1 `<<:` merge keys, as Compose does.
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = compose.services;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`temporal-dev.yml has no service "${name}"`);
  return s;
}

/** The environment as written (before interpolation), as a name → value map. */
function rawEnvironment(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const i = entry.indexOf('=');
      return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}. */
function interpolate(value: string, env: Record<string, string>): string {
  const pattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  return value.replace(pattern, (match: string, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    const current = env[name];
    const isSet = op?.startsWith(':') ? current !== undefined && current !== '' : current !== undefined;
    if (isSet) return current as string;
    if (op === ':-' || op === '-') return arg ?? '';
    throw new Error(`${name} is not set${op?.endsWith('?') ? `: ${arg}` : ''}`);
  });
}

function environment(s: Service): Record<string, string> {
  return Object.fromEntries(Object.entries(rawEnvironment(s)).map(([k, v]) => [k, interpolate(v, SAMPLE_ENV)]));
}

/** Published ports as { published, target } (short "host:container", "ip:host:container", or long syntax). */
function ports(s: Service): { published: number | undefined; target: number }[] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'object') {
      return { published: p.published === undefined ? undefined : Number(p.published), target: Number(p.target) };
    }
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts[parts.length - 1]);
    const published = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined;
    return { published, target };
  });
}

function dependsOn(s: Service): Record<string, string> {
  const d = s.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v.condition ?? 'service_started']));
}

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

function durationMs(value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(n) * (units[unit as string] ?? 0);
  return total;
}

/** Every string in the parsed document: Compose interpolates values (and keys), not comments. */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => [k, ...strings(v)]);
  }
  return [];
}

function commandText(s: Service): string {
  const parts = [s.entrypoint, s.command].flatMap((c) => (c === undefined ? [] : Array.isArray(c) ? c : [c]));
  return parts.join('\n');
}

const temporalAdminService = (): [string, Service] => {
  const found = Object.entries(services).filter(([, s]) => s.image?.startsWith('temporalio/admin-tools:'));
  expect(found, 'exactly one admin-tools setup service').toHaveLength(1);
  return found[0] as [string, Service];
};

const declaredNames = new Set(Object.values(variables).map((v) => v.name));

describe('temporal-dev.yml', () => {
  it('describes the whole production-like stack', () => {
    for (const name of ['temporal', 'temporal-ui', 'temporal-db', 'temporal-setup', 'app-db', ...APP_SERVICES]) {
      expect(services, `service ${name}`).toHaveProperty([name]);
    }
    expect(service('temporal').image).toMatch(/^temporalio\/(auto-setup|server):1\.29\./);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(service('temporal-setup').image).toMatch(/^temporalio\/admin-tools:1\.29\./);
    expect(service('temporal-db').image).toMatch(/^postgres:/);
    expect(service('app-db').image).toMatch(/^postgres:/);
  });

  it('pins every pulled image to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build !== undefined) continue;
      expect(s.image, `${name} image`).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(s.image, `${name} image`).not.toMatch(/:latest$/);
    }
  });

  it('runs migrate, worker and api from the app image with their npm scripts', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const images = new Set<string | undefined>();
    for (const name of APP_SERVICES) {
      const s = service(name);
      const build = typeof s.build === 'string' ? { context: s.build } : s.build;
      expect(build?.context, `${name} build context`).toBe('.');
      expect(build?.dockerfile ?? 'Dockerfile', `${name} Dockerfile`).toBe('Dockerfile');
      images.add(s.image);
      expect(s.command, `${name} command`).toEqual(['npm', 'run', name]);
      expect(pkg.scripts, `npm script ${name}`).toHaveProperty([name]);
    }
    expect(images.size, 'one image for all app services').toBe(1);
  });

  it('gives the app services only variables declared in platform/config.ts', () => {
    for (const name of APP_SERVICES) {
      for (const variable of Object.keys(rawEnvironment(service(name)))) {
        expect(declaredNames.has(variable), `${name}: ${variable} is not in platform/config.ts variables`).toBe(true);
      }
    }
  });

  it('gives each app service an environment loadConfig accepts, with what its entry needs', () => {
    const migrate = loadConfig(environment(service('migrate')));
    expect(migrate.databaseUrl).toBeDefined();

    const worker = loadConfig(environment(service('worker')));
    expect(worker.databaseUrl).toBeDefined();
    expect(worker.temporalAddress).toBeDefined();
    expect(worker.workflowBundle).toBe('/app/dist/workflows.js');
    expect(worker.payloadKeys?.size, 'worker PAYLOAD_KEYS').toBe(1);

    const api = loadConfig(environment(service('api')));
    expect(api.databaseUrl).toBeDefined();
    expect(api.temporalAddress).toBeDefined();
    expect(api.jwtSecret).toBe(SAMPLE_ENV.JWT_SECRET);
    expect(api.host).toBe('0.0.0.0');
    // The same payload keys as the worker, and the codec endpoint open to the Web UI's origin only.
    expect([...api.payloadKeys!.keys()]).toEqual([...worker.payloadKeys!.keys()]);
    expect(api.temporalUiOrigin).toEqual(['http://localhost:8080']);

    // The API starts workflows where the worker polls.
    expect(api.temporalNamespace).toBe(worker.temporalNamespace);
    expect(api.taskQueue).toBe(worker.taskQueue);
  });

  it('points TEMPORAL_ADDRESS of the app, the UI and the setup job at the temporal service', () => {
    const temporalTargets = ports(service('temporal')).map((p) => p.target);
    expect(temporalTargets).toContain(TEMPORAL_PORT);
    const [setupName, setup] = temporalAdminService();
    const clients: [string, Service][] = [
      ['worker', service('worker')],
      ['api', service('api')],
      ['temporal-ui', service('temporal-ui')],
      [setupName, setup],
    ];
    for (const [name, s] of clients) {
      const address = environment(s).TEMPORAL_ADDRESS;
      expect(address, `${name} TEMPORAL_ADDRESS`).toBeDefined();
      const { host, port } = splitHostPort(address as string);
      expect(host, `${name} TEMPORAL_ADDRESS host`).toBe('temporal');
      expect(port, `${name} TEMPORAL_ADDRESS port`).toBe(TEMPORAL_PORT);
    }
  });

  it('points DATABASE_URL at the app PostgreSQL as the application role, the same for migrate, worker and api', () => {
    const db = service('app-db');
    const dbEnv = environment(db);
    const exposed = (db.expose ?? []).map(Number);
    const appRole = loadConfig(environment(service('migrate'))).appDatabaseRole;
    expect(appRole, 'migrate APP_DATABASE_ROLE').toBeDefined();
    const urls = new Set<string>();
    for (const name of APP_SERVICES) {
      const raw = environment(service(name)).DATABASE_URL;
      expect(raw, `${name} DATABASE_URL`).toBeDefined();
      urls.add(raw as string);
      const url = new URL(raw as string);
      expect(url.hostname, `${name} DATABASE_URL host`).toBe('app-db');
      expect(exposed, `${name} DATABASE_URL port`).toContain(Number(url.port || 5432));
      // Not the owner: the role migrate grants only SELECT and INSERT on the audit log.
      expect(decodeURIComponent(url.username), `${name} DATABASE_URL user`).toBe(appRole);
      expect(decodeURIComponent(url.username), `${name} DATABASE_URL user`).not.toBe(dbEnv.POSTGRES_USER);
      expect(decodeURIComponent(url.password)).toBe(SAMPLE_ENV.APP_DB_APP_PASSWORD);
      expect(decodeURIComponent(url.password)).not.toBe(dbEnv.POSTGRES_PASSWORD);
      expect(decodeURIComponent(url.pathname.slice(1))).toBe(dbEnv.POSTGRES_DB);
    }
    expect(urls.size, 'migrate, worker and api use the same database').toBe(1);
  });

  it('migrates as the owner of the app PostgreSQL; only migrate knows the owner\'s password', () => {
    const dbEnv = environment(service('app-db'));
    const migrate = loadConfig(environment(service('migrate')));
    expect(migrate.migrationDatabaseUrl, 'migrate MIGRATION_DATABASE_URL').toBeDefined();
    const url = new URL(migrate.migrationDatabaseUrl as string);
    expect(url.hostname).toBe('app-db');
    expect(decodeURIComponent(url.username)).toBe(dbEnv.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(dbEnv.POSTGRES_PASSWORD);
    expect(decodeURIComponent(url.pathname.slice(1))).toBe(dbEnv.POSTGRES_DB);
    expect(migrate.appDatabaseRole).not.toBe(dbEnv.POSTGRES_USER);
    for (const name of ['worker', 'api']) {
      const raw = rawEnvironment(service(name));
      expect(raw, `${name} has no MIGRATION_DATABASE_URL`).not.toHaveProperty(['MIGRATION_DATABASE_URL']);
      expect(Object.values(raw).join('\n'), `${name} does not see APP_DB_PASSWORD`).not.toContain('APP_DB_PASSWORD');
    }
  });

  it('points the Temporal server at its own PostgreSQL with matching credentials', () => {
    const server = environment(service('temporal'));
    const db = service('temporal-db');
    const dbEnv = environment(db);
    expect(server.DB).toBe('postgres12');
    expect(server.POSTGRES_SEEDS).toBe('temporal-db');
    expect((db.expose ?? []).map(Number)).toContain(Number(server.DB_PORT));
    expect(server.POSTGRES_USER).toBe(dbEnv.POSTGRES_USER);
    expect(server.POSTGRES_PWD).toBe(dbEnv.POSTGRES_PASSWORD);
    expect(dependsOn(service('temporal'))['temporal-db']).toBe('service_healthy');
  });

  it('publishes api 3000, Temporal UI 8080 and Temporal 7233', () => {
    expect(ports(service('api'))).toContainEqual({ published: 3000, target: 3000 });
    expect(Number(environment(service('api')).PORT)).toBe(3000);
    expect(ports(service('temporal-ui'))).toContainEqual({ published: 8080, target: 8080 });
    expect(ports(service('temporal'))).toContainEqual({ published: TEMPORAL_PORT, target: TEMPORAL_PORT });
  });

  it('starts api and worker after migrate succeeded and Temporal is ready', () => {
    const [setupName] = temporalAdminService();
    expect(dependsOn(service('migrate'))['app-db']).toBe('service_healthy');
    for (const name of ['api', 'worker']) {
      const deps = dependsOn(service(name));
      expect(deps.migrate, `${name} → migrate`).toBe('service_completed_successfully');
      expect(deps.temporal, `${name} → temporal`).toBe('service_healthy');
      expect(deps[setupName], `${name} → ${setupName}`).toBe('service_completed_successfully');
    }
  });

  it('uses health and completion conditions that can be met', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(s))) {
        const target = service(dep);
        if (condition === 'service_healthy') expect(target.healthcheck?.test, `${name} waits for ${dep} health`).toBeDefined();
        if (condition === 'service_completed_successfully') {
          expect(target.restart ?? 'no', `${dep} is a one-shot`).toBe('no');
        }
      }
    }
  });

  it('lets the worker scale: no published port, no container_name', () => {
    const worker = service('worker');
    expect(worker.ports ?? []).toHaveLength(0);
    expect(worker.container_name).toBeUndefined();
  });

  it('gives api and worker more time to stop than their shutdown grace', () => {
    for (const name of ['api', 'worker']) {
      const s = service(name);
      const grace = loadConfig(environment(s)).shutdownGraceMs;
      expect(durationMs(s.stop_grace_period ?? '10s'), `${name} stop_grace_period`).toBeGreaterThan(grace);
    }
  });

  it('writes no literal secret: passwords and JWT_SECRET are required interpolations', () => {
    const required = /^\$\{[A-Z_][A-Z0-9_]*:\?[^}]*\}$/;
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(rawEnvironment(s))) {
        if (/SECRET|PASSWORD|PWD|TOKEN|_KEY$/.test(key)) expect(value, `${name} ${key}`).toMatch(required);
        if (key === 'DATABASE_URL' || key.endsWith('_DATABASE_URL')) {
          const password = /^postgres(?:ql)?:\/\/[^:/@]+:(.*)@[^@]+$/.exec(value)?.[1];
          expect(password, `${name} DATABASE_URL password`).toMatch(required);
        }
      }
    }
    // Every interpolation in the file's values (not $$-escaped) is a documented input, and required.
    for (const text of strings(compose)) {
      for (const m of text.matchAll(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
        if (m[0] === '$$') continue;
        const name = m[1] ?? m[3];
        expect(Object.keys(SAMPLE_ENV), `interpolated ${name}`).toContain(name);
        expect(m[2], `${name} is required (:?)`).toBe(':?');
      }
    }
    for (const sample of Object.values(SAMPLE_ENV)) expect(composeText).not.toContain(sample);
  });

  it('registers every search attribute of the workflows with its type', () => {
    const [, setup] = temporalAdminService();
    const script = commandText(setup);
    expect(script).toContain('temporal operator search-attribute create');
    const registered = Object.fromEntries(
      [...script.matchAll(/^\s*ensure_search_attribute\s+(\w+)\s+(\w+)\s*$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(registered).toEqual(EXPECTED_SEARCH_ATTRIBUTES);
  });

  it('creates the namespace the app uses', () => {
    const [, setup] = temporalAdminService();
    const script = commandText(setup);
    expect(script).toContain('temporal operator namespace create');
    expect(script).toContain('TEMPORAL_NAMESPACE');
    const namespace = environment(setup).TEMPORAL_NAMESPACE;
    for (const name of ['api', 'worker']) {
      expect(loadConfig(environment(service(name))).temporalNamespace, `${name} namespace`).toBe(namespace);
    }
    expect(environment(service('temporal-ui')).TEMPORAL_DEFAULT_NAMESPACE).toBe(namespace);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds the app on Node 20 with the lockfile and a pre-bundled workflow file', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim\b/m);
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build:workflows\b/m);
    const bundle = environment(service('worker')).WORKFLOW_BUNDLE as string;
    expect(dockerfile).toContain(bundle);
  });

  it('keeps local state and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', '.git', '.env', 'data', 'dist']) expect(ignored).toContain(entry);
  });
});

describe('docs/deployment.md', () => {
  it('names every variable the stack requires and how to scale workers', () => {
    const doc = read('docs/deployment.md');
    for (const name of Object.keys(SAMPLE_ENV)) expect(doc).toContain(name);
    expect(doc).toContain('docker compose -f temporal-dev.yml up --build');
    expect(doc).toContain('--scale worker=');
  });
});
