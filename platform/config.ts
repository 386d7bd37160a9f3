import { DEFAULT_DEADLINE_KINDS, type DeadlineKind, type DeadlineKindOverrides } from '../workflows/clock/defaults.js';
import type { BudgetUnit } from '../workflows/clock/deadline.js';
import type { EscalationTarget } from '../workflows/clock/escalation.js';
import { type Role, roles } from '../db/tables/reference.js';
import { ConfigError, parseJsonObject } from './config-error.js';
import { keyIdPattern, parsePayloadKeys } from './payload-codec.js';

/**
 * Configuration comes from environment variables only. Every variable is declared once here,
 * with its default and its meaning; the README's table is checked against this list by a test.
 * An invalid value stops start-up with a message that names the variable.
 */

export { ConfigError } from './config-error.js';

type Parser<T> = (raw: string, name: string) => T;

interface VariableSpec<T> {
  name: string;
  default: string | undefined;
  description: string;
  parse: Parser<T>;
}

const text: Parser<string> = (raw, name) => {
  if (raw.trim() === '') throw new ConfigError(name, 'must not be empty');
  return raw;
};

function integer(min: number, max: number): Parser<number> {
  return (raw, name) => {
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

function oneOf<T extends string>(...values: T[]): Parser<T> {
  return (raw, name) => {
    if (!(values as string[]).includes(raw)) {
      throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };
}

const bool: Parser<boolean> = (raw, name) => {
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
};

const hostPort: Parser<string> = (raw, name) => {
  if (!/^[\w.-]+:\d{1,5}$/.test(raw)) throw new ConfigError(name, `must be host:port, got "${raw}"`);
  return raw;
};

/** A URL of one of `schemes` (as URL.protocol writes them, 'http:'); the errors show `example` and name `schemeText`. */
function urlWithScheme(schemes: readonly string[], example: string, schemeText: string): Parser<string> {
  return (raw, name) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(name, `must be a URL such as ${example}`);
    }
    if (!schemes.includes(url.protocol)) throw new ConfigError(name, `must use ${schemeText}, got "${url.protocol}"`);
    return raw;
  };
}

const postgresUrl = urlWithScheme(['postgres:', 'postgresql:'], 'postgres://user@host:5432/db', 'the postgres:// scheme');

/** A PostgreSQL role name as written unquoted: lower case letters, digits, _ (APP_DATABASE_ROLE). */
const roleName: Parser<string> = (raw, name) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new ConfigError(name, `must be a role name of lower-case letters, digits and _, got "${raw}"`);
  return raw;
};

/**
 * A task queue name the visibility queries can quote as it is (`TaskQueue = "…"`, in
 * workflows/enforcement/resync.ts): nothing in it can end the quoted string.
 */
const taskQueueName: Parser<string> = (raw, name) => {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(raw)) throw new ConfigError(name, `must be a task queue name of letters, digits, ".", "_" and "-", got "${raw}"`);
  return raw;
};

const jsonObject: Parser<Record<string, unknown>> = (raw, name) => parseJsonObject(raw, name, 'must be a JSON object');

// ----- DEADLINE_OVERRIDES and ENFORCEMENT_OVERRIDES ---------------------------------------------
// Checked in full (keys at every level, types, ranges): a misspelt key would otherwise be ignored
// and a case would silently run on the default term.

/** A Record over the union, so adding a unit or target to the clock without listing it here fails to compile. */
const budgetUnits: Record<BudgetUnit, true> = { hours: true, calendar_days: true, working_days: true };
const escalationTargets: Record<EscalationTarget, true> = { handler: true, teamcoordinator: true, next_coordinator: true, central_lead: true };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function overrideChecker(name: string) {
  const fail = (path: string, message: string): never => {
    throw new ConfigError(name, `${path ? `at ${path} ` : ''}${message}`);
  };
  return {
    fail,
    object(value: unknown, path: string, known: readonly string[]): Record<string, unknown> {
      if (!isPlainObject(value)) fail(path, `must be a JSON object, got ${JSON.stringify(value)}`);
      const obj = value as Record<string, unknown>;
      const unknown = Object.keys(obj).find((k) => !known.includes(k));
      if (unknown !== undefined) fail(path, `has an unknown key "${unknown}" (known: ${known.join(', ')})`);
      return obj;
    },
    number(value: unknown, path: string, opts: { min: number; max: number; whole: boolean; minExclusive?: boolean }): number {
      const ok = typeof value === 'number' && Number.isFinite(value) && (!opts.whole || Number.isSafeInteger(value))
        && (opts.minExclusive ? value > opts.min : value >= opts.min) && value <= opts.max;
      if (!ok) {
        const range = `${opts.minExclusive ? '>' : '≥'} ${opts.min} and ≤ ${opts.max}`;
        fail(path, `must be a ${opts.whole ? 'whole ' : ''}number ${range}, got ${JSON.stringify(value)}`);
      }
      return value as number;
    },
  };
}

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * DEADLINE_OVERRIDES: `{ <deadline kind>: { budget?: { unit, amount }, extensionCap?, rungs? } }`
 * (docs/deadlines.md). Throws ConfigError naming `name` and the bad path.
 */
export function checkDeadlineOverrides(value: unknown, name = 'DEADLINE_OVERRIDES'): DeadlineKindOverrides {
  const c = overrideChecker(name);
  const kinds = c.object(value, '', Object.keys(DEFAULT_DEADLINE_KINDS));
  for (const [kind, raw] of Object.entries(kinds)) {
    const o = c.object(raw, kind, ['budget', 'extensionCap', 'rungs']);
    let unit = DEFAULT_DEADLINE_KINDS[kind as DeadlineKind].budget.unit;
    if (o.budget !== undefined) {
      const path = join(kind, 'budget');
      const budget = c.object(o.budget, path, ['unit', 'amount']);
      if (typeof budget.unit !== 'string' || !(budget.unit in budgetUnits)) {
        c.fail(join(path, 'unit'), `must be one of ${Object.keys(budgetUnits).join(', ')}, got ${JSON.stringify(budget.unit)}`);
      }
      unit = budget.unit as BudgetUnit;
      // Hours may be fractional (tests run deadlines of seconds); days are counted whole.
      c.number(budget.amount, join(path, 'amount'), { min: 0, minExclusive: true, max: unit === 'hours' ? 24 * 366 : 366, whole: unit !== 'hours' });
    }
    if (o.extensionCap !== undefined) {
      c.number(o.extensionCap, join(kind, 'extensionCap'), { min: 0, max: unit === 'hours' ? 24 * 366 : 366, whole: unit !== 'hours' });
    }
    if (o.rungs !== undefined) {
      const path = join(kind, 'rungs');
      // An empty ladder would never alert anyone about a missed deadline.
      if (!Array.isArray(o.rungs) || o.rungs.length === 0) c.fail(path, 'must be a non-empty array of rungs');
      const ids = new Set<string>();
      let previous = -Infinity;
      (o.rungs as unknown[]).forEach((rawRung, i) => {
        const at = join(path, i);
        const rung = c.object(rawRung, at, ['id', 'offsetMs', 'target']);
        if (typeof rung.id !== 'string' || rung.id.trim() === '') c.fail(join(at, 'id'), `must be a non-empty string, got ${JSON.stringify(rung.id)}`);
        if (ids.has(rung.id as string)) c.fail(join(at, 'id'), `repeats the rung id "${rung.id}"`);
        ids.add(rung.id as string);
        const offset = c.number(rung.offsetMs, join(at, 'offsetMs'), { min: -366 * 86_400_000, max: 366 * 86_400_000, whole: true });
        // Rungs fire in ladder order, so the ladder must also be in time order.
        if (offset <= previous) c.fail(join(at, 'offsetMs'), `must be greater than the previous rung's offsetMs (${previous})`);
        previous = offset;
        if (typeof rung.target !== 'string' || !(rung.target in escalationTargets)) {
          c.fail(join(at, 'target'), `must be one of ${Object.keys(escalationTargets).join(', ')}, got ${JSON.stringify(rung.target)}`);
        }
      });
    }
  }
  return kinds as DeadlineKindOverrides;
}

/** The enforcement terms ENFORCEMENT_OVERRIDES may set (docs/enforcement.md), each a whole number within its range. */
export const enforcementTermRanges = {
  hearingTermWorkingDays: { min: 1, max: 260 },
  objectionTermDays: { min: 1, max: 366 },
  mentesContactWorkingDays: { min: 1, max: 260 },
  reminderBeforeMs: { min: 1, max: 30 * 86_400_000 },
  /** For tests: every day-based term becomes this many ms. */
  compressDayMs: { min: 1, max: 86_400_000 },
  /** Interim news to parents during a suspension, every this many days (docs/letters.md). */
  interimNewsEveryDays: { min: 1, max: 366 },
  /** The municipality's temporary replacement capacity after a decision, in months, and its one extension. */
  replacementCapacityMonths: { min: 1, max: 60 },
  replacementExtensionMonths: { min: 1, max: 60 },
  /** Remind the municipality and the case manager this many days before the replacement capacity ends. */
  replacementReminderDays: { min: 1, max: 366 },
} as const;

export type EnforcementOverrides = Partial<Record<keyof typeof enforcementTermRanges, number>>;

/** ENFORCEMENT_OVERRIDES: `{ <term>: <whole number> }`. Throws ConfigError naming `name` and the bad key. */
export function checkEnforcementOverrides(value: unknown, name = 'ENFORCEMENT_OVERRIDES'): EnforcementOverrides {
  const c = overrideChecker(name);
  const terms = c.object(value, '', Object.keys(enforcementTermRanges));
  for (const [key, raw] of Object.entries(terms)) {
    c.number(raw, key, { ...enforcementTermRanges[key as keyof typeof enforcementTermRanges], whole: true });
  }
  return terms as EnforcementOverrides;
}

const deadlineOverrides: Parser<DeadlineKindOverrides> = (raw, name) => checkDeadlineOverrides(jsonObject(raw, name), name);
const enforcementOverrides: Parser<EnforcementOverrides> = (raw, name) => checkEnforcementOverrides(jsonObject(raw, name), name);

const dateList: Parser<string[]> = (raw, name) => {
  const dates = raw.split(',').map((d) => d.trim()).filter(Boolean);
  const bad = dates.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)));
  if (bad) throw new ConfigError(name, `must be a comma-separated list of YYYY-MM-DD dates, got "${bad}"`);
  return dates;
};

/** One real calendar day 'YYYY-MM-DD' (2026-02-30 is refused, not rolled over to March). */
const localDate: Parser<string> = (raw, name) => {
  const t = Date.parse(`${raw}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== raw) {
    throw new ConfigError(name, `must be a date YYYY-MM-DD, got "${raw}"`);
  }
  return raw;
};

// ----- Encrypted payloads (platform/payload-codec.ts, docs/security.md) ----------------------------------
const payloadKeys: Parser<ReadonlyMap<string, Buffer>> = (raw, name) => parsePayloadKeys(raw, name);
const payloadKeyId: Parser<string> = (raw, name) => {
  if (!keyIdPattern.test(raw)) throw new ConfigError(name, `must be a key id (letters, digits, _ . -; at most 64), got "${raw.slice(0, 70)}"`);
  return raw;
};
/** Staff roles only: the machine role of the Modular integration never reads case content. */
const roleList: Parser<Role[]> = (raw, name) => {
  const list = raw.split(',').map((r) => r.trim()).filter(Boolean);
  const bad = list.find((r) => !(roles as readonly string[]).includes(r) || r === 'modular');
  if (bad !== undefined || list.length === 0) {
    throw new ConfigError(name, `must be a comma list of ${roles.filter((r) => r !== 'modular').join(', ')}${bad !== undefined ? `, got "${bad}"` : ''}`);
  }
  return list as Role[];
};
const originList: Parser<string[]> = (raw, name) => {
  const list = raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin) {
      throw new ConfigError(name, `must list origins such as http://127.0.0.1:8233 (scheme, host, port; no path), got "${origin}"`);
    }
  }
  return list;
};

const httpUrl = urlWithScheme(['http:', 'https:'], 'http://host:4010', 'http:// or https://');

/** The identity provider's JWKS: https, or http only on the loopback interface (tests, a local IdP). */
const jwksUrl: Parser<string> = (raw, name) => {
  const value = httpUrl(raw, name);
  const { protocol, hostname } = new URL(value);
  if (protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    throw new ConfigError(name, `must use https:// (http:// only on localhost), got "${raw}"`);
  }
  return value;
};

const secret: Parser<string> = (raw, name) => {
  if (raw.length < 32) throw new ConfigError(name, 'must be at least 32 characters long');
  return raw;
};

function variable<T, D extends string | undefined>(
  name: string,
  dflt: D,
  description: string,
  parse: Parser<T>,
): VariableSpec<T> & { default: D } {
  return { name, default: dflt, description, parse };
}

/** The documented variables, in the order of the README table. */
export const variables = {
  host: variable('HOST', '127.0.0.1', 'Interface the API listens on.', text),
  port: variable('PORT', '3000', 'Port of the API and the web UI.', integer(0, 65535)),
  logLevel: variable('LOG_LEVEL', 'info', 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent')),
  dataDir: variable('DATA_DIR', './data', 'Folder for local state: the dev server\'s SQLite file, the embedded database, the dev JWT secret and payload keys.', text),
  databaseUrl: variable('DATABASE_URL', undefined, 'PostgreSQL connection URL. Unset: an embedded PostgreSQL (PGlite) under DATA_DIR/pglite.', postgresUrl),
  databasePoolSize: variable('DATABASE_POOL_SIZE', '10', 'Maximum connections in the PostgreSQL pool.', integer(1, 200)),
  migrationDatabaseUrl: variable('MIGRATION_DATABASE_URL', undefined, 'PostgreSQL URL `npm run migrate` connects with: the role that owns the tables. Unset: DATABASE_URL (then one role does both; see docs/security.md).', postgresUrl),
  appDatabaseRole: variable('APP_DATABASE_ROLE', undefined, 'For `npm run migrate`: the role the API and worker connect as (the user of DATABASE_URL). It gets only SELECT and INSERT on the audit log and SELECT, INSERT, UPDATE, DELETE on the other tables; created with DATABASE_URL\'s password when missing. Unset: no grants.', roleName),
  temporalAddress: variable('TEMPORAL_ADDRESS', undefined, 'Temporal frontend host:port. Unset: `npm start` runs a local dev server; `npm run api`/`worker` use 127.0.0.1:7233.', hostPort),
  temporalNamespace: variable('TEMPORAL_NAMESPACE', 'handhaving', 'Temporal namespace of all workflows.', text),
  taskQueue: variable('TEMPORAL_TASK_QUEUE', 'handhaving', 'Task queue the worker polls and the API starts workflows on.', taskQueueName),
  temporalDevPort: variable('TEMPORAL_DEV_PORT', '7233', 'Port of the local dev server started by `npm start`.', integer(1, 65535)),
  temporalUiPort: variable('TEMPORAL_UI_PORT', '8233', 'Port of the Temporal Web UI of the local dev server.', integer(1, 65535)),
  temporalCli: variable('TEMPORAL_CLI', undefined, 'Path to a `temporal` binary to use instead of searching PATH and the cache.', text),
  workflowBundle: variable('WORKFLOW_BUNDLE', undefined, 'Path to a workflow bundle made by `npm run build:workflows`; unset: bundle from source at start.', text),
  jwtSecret: variable('JWT_SECRET', undefined, 'HMAC key (≥ 32 characters) that signs and verifies HS256 bearer tokens. Required for `npm run api` unless JWT_JWKS_URL is set; `npm start` creates one under DATA_DIR when unset. Ignored when JWT_JWKS_URL is set.', secret),
  jwtIssuer: variable('JWT_ISSUER', 'handhaving-orchestrator', 'Issuer (`iss`) put in and required of tokens; with JWT_JWKS_URL, the identity provider\'s issuer.', text),
  jwtAudience: variable('JWT_AUDIENCE', 'handhaving-api', 'Audience (`aud`) put in and required of tokens; with JWT_JWKS_URL, the audience the identity provider issues for this API.', text),
  jwtJwksUrl: variable('JWT_JWKS_URL', undefined, 'JWKS URL of the agency\'s identity provider (https; http only on localhost). Set: only its RS256/ES256 tokens are accepted, not JWT_SECRET\'s. Unset: HS256 with JWT_SECRET (development).', jwksUrl),
  jwtMaxLifetimeS: variable('JWT_MAX_LIFETIME_S', '43200', 'Longest token lifetime accepted (`exp` − `iat`, and age since `iat`), in seconds; also the lifetime of `npm run tokens` tokens.', integer(60, 86_400)),
  payloadKeys: variable('PAYLOAD_KEYS', undefined, 'Keys that encrypt Temporal payloads with AES-256-GCM (docs/security.md#encrypted-payloads): JSON `{"<id>":"<base64>"}` or `<id>:<base64>,…`, each the base64 of 32 random bytes. Required for `npm run api`/`worker`; `npm start` creates one under DATA_DIR when unset.', payloadKeys),
  payloadKeyId: variable('PAYLOAD_KEY_ID', undefined, 'The id in PAYLOAD_KEYS that encrypts new payloads; the other keys only decrypt (rotation). May be left out when PAYLOAD_KEYS has one key.', payloadKeyId),
  payloadCodecRoles: variable('PAYLOAD_CODEC_ROLES', 'teamcoordinator', 'Roles whose users may decode payloads through the codec endpoint `/codec` (the Temporal Web UI), comma-separated (docs/security.md#who-may-decode).', roleList),
  temporalUiOrigin: variable('TEMPORAL_UI_ORIGIN', undefined, 'Origins of the Temporal Web UI allowed to call the codec endpoint (CORS), comma-separated. Unset: http://127.0.0.1:TEMPORAL_UI_PORT and http://localhost:TEMPORAL_UI_PORT.', originList),
  bodyLimit: variable('BODY_LIMIT_BYTES', '1048576', 'Largest request body accepted; larger gets 413.', integer(1024, 50 * 1024 * 1024)),
  shutdownGraceMs: variable('SHUTDOWN_GRACE_MS', '10000', 'How long in-flight requests and activities get to finish on shutdown.', integer(0, 600_000)),
  deadlineOverrides: variable('DEADLINE_OVERRIDES', '{}', 'JSON overriding deadline kinds (docs/deadlines.md), e.g. `{"report_follow_up":{"budget":{"unit":"hours","amount":12}}}`; unknown keys or bad values stop start-up.', deadlineOverrides),
  enforcementOverrides: variable('ENFORCEMENT_OVERRIDES', '{}', 'JSON overriding enforcement terms (docs/enforcement.md): hearingTermWorkingDays, objectionTermDays, mentesContactWorkingDays, reminderBeforeMs (whole numbers); unknown keys stop start-up.', enforcementOverrides),
  extraClosingDays: variable('EXTRA_CLOSING_DAYS', '', 'Extra closing days of the administration, comma-separated YYYY-MM-DD; they do not count as working days.', dateList),
  smtpUrl: variable('SMTP_URL', undefined, 'SMTP server for the outbox\'s e-mails, e.g. `smtps://user:pass@mail.example:465`. Unset: e-mails stay queued in the outbox.', text),
  smtpFrom: variable('SMTP_FROM', 'handhaving@opgroeien.test', 'Sender address of the outbox\'s e-mails.', text),
  outboxPollMs: variable('OUTBOX_POLL_MS', '5000', 'How often the worker sends the queued e-mails of the outbox (with SMTP_URL).', integer(100, 3_600_000)),
  seedOnStart: variable('SEED_ON_START', 'true', 'Whether `npm start` fills an empty database with the synthetic Flanders.', bool),
  seedReferenceDate: variable('SEED_REFERENCE_DATE', '2026-11-01', 'The day (YYYY-MM-DD) the seeded synthetic history runs up to: the seed never reads the clock, so the same date gives the same data (docs/synthetic-data.md).', localDate),
  demoOnStart: variable('DEMO_ON_START', 'true', 'Whether `npm start`, after seeding an empty database, makes the living demo through the API in the background: reports, enforcement cases, inspections and last month\'s screening (docs/synthetic-data.md).', bool),
  screeningSelectionSize: variable('SCREENING_SELECTION_SIZE', '100', 'How many dossiers the monthly risk screening selects (docs/risk-screening.md).', integer(1, 10_000)),
  screeningBatchSize: variable('SCREENING_BATCH_SIZE', '2000', 'Locations scored per batch (one activity, with heartbeats) in the monthly risk screening.', integer(100, 100_000)),
  reportRetentionDays: variable('REPORT_RETENTION_DAYS', '365', 'Days after a report\'s closure (whole Brussels calendar days) after which the daily retention run erases its personal data: reporter contact, description, address, feedback e-mails (docs/retention.md). The default is an assumption to confirm with the data-protection officer.', integer(1, 3650)),
  idempotencyKeyRetentionDays: variable('IDEMPOTENCY_KEY_RETENTION_DAYS', '30', 'Days (whole Brussels calendar days) an Idempotency-Key of POST /handhaving and POST /inspections is kept after its last use; the daily retention run then deletes it, and the same key is a new request (docs/retention.md).', integer(1, 3650)),
  modularUrl: variable('MODULAR_URL', undefined, 'Base URL of Zorginspectie\'s Modular API (docs/modular-openapi.yaml). Unset: `npm start` runs the Modular simulator (`npm run modular-sim`) and uses it.', httpUrl),
  modularWebhookSecret: variable('MODULAR_WEBHOOK_SECRET', undefined, 'Shared HMAC key (≥ 32 characters) that signs Modular\'s webhook deliveries. Required for the webhook of `npm run api`; `npm start` and `npm run modular-sim` create one under DATA_DIR when unset.', secret),
  modularTimeoutMs: variable('MODULAR_TIMEOUT_MS', '5000', 'Timeout of one call to Modular; a call is tried up to 3 times, then the activity retries with backoff.', integer(100, 120_000)),
  modularWebhookToleranceS: variable('MODULAR_WEBHOOK_TOLERANCE_S', '300', 'How many seconds a webhook\'s signed timestamp may differ from now; older deliveries are refused as replays.', integer(1, 86_400)),
  modularSimPort: variable('MODULAR_SIM_PORT', '4010', 'Port of the Modular simulator (`npm run modular-sim`, or inside `npm start` without MODULAR_URL).', integer(0, 65535)),
  modularSimStepMs: variable('MODULAR_SIM_STEP_MS', '30000', 'The simulator moves each order one status further every this many ms; 0: only on command (/_control).', integer(0, 86_400_000)),
  modularSimCallbackUrl: variable('MODULAR_SIM_CALLBACK_URL', undefined, 'Where the simulator sends its webhooks. Unset: http://HOST:PORT/modular/webhook of this app.', httpUrl),
  registeredMailUrl: variable('REGISTERED_MAIL_URL', undefined, 'Base URL of the electronic registered-mail provider (docs/letters.md). Unset: `npm start` runs its simulator; `npm run worker` leaves registered letters queued.', httpUrl),
  eboxUrl: variable('EBOX_URL', undefined, 'Base URL of the e-Box for enterprises (docs/letters.md). Unset: `npm start` runs its simulator; `npm run worker` sends no e-Box messages.', httpUrl),
  channelWebhookSecret: variable('CHANNEL_WEBHOOK_SECRET', undefined, 'Shared HMAC key (≥ 32 characters) that signs the callbacks of the registered-mail provider and the e-Box. Required for their callbacks on `npm run api`; `npm start` creates one under DATA_DIR when unset.', secret),
  registeredMailSimPort: variable('REGISTERED_MAIL_SIM_PORT', '4011', 'Port of the registered-mail simulator inside `npm start` (without REGISTERED_MAIL_URL).', integer(0, 65535)),
  eboxSimPort: variable('EBOX_SIM_PORT', '4012', 'Port of the e-Box simulator inside `npm start` (without EBOX_URL).', integer(0, 65535)),
  channelSimStepMs: variable('CHANNEL_SIM_STEP_MS', '60000', 'The registered-mail simulator delivers each letter this many ms after it was offered; 0: outcomes only on command (/_control).', integer(0, 86_400_000)),
  devSignIn: variable('DEV_SIGN_IN', 'false', 'Development sign-in: `POST /dev/sign-in` gives a token for any seeded user picked in the web UI, without a password. The routes do not exist unless this is true; `npm start` turns it on unless DEV_SIGN_IN=false or JWT_JWKS_URL is set. Refused together with JWT_JWKS_URL (docs/ui.md#sign-in).', bool),
  oidcIssuer: variable('OIDC_ISSUER', undefined, 'Issuer URL of the agency\'s OpenID Connect provider (its discovery document is at ISSUER/.well-known/openid-configuration; https, http only on localhost). Set: the web UI signs in by authorization code with PKCE (docs/ui.md#sign-in). Needs OIDC_CLIENT_ID and OIDC_REDIRECT_URI, and JWT_JWKS_URL so the API accepts the provider\'s access tokens.', jwksUrl),
  oidcClientId: variable('OIDC_CLIENT_ID', undefined, 'Client id of this application at the OpenID Connect provider.', text),
  oidcClientSecret: variable('OIDC_CLIENT_SECRET', undefined, 'Client secret at the OpenID Connect provider (client_secret_basic). Unset: a public client (PKCE only).', text),
  oidcRedirectUri: variable('OIDC_REDIRECT_URI', undefined, 'Redirect URI registered at the provider: this app\'s `/sign-in/oidc/callback`, e.g. https://handhaving.example/sign-in/oidc/callback.', httpUrl),
  oidcScope: variable('OIDC_SCOPE', 'openid profile', 'Scopes asked of the OpenID Connect provider, space-separated.', text),
  oidcResource: variable('OIDC_RESOURCE', undefined, 'Resource indicator (RFC 8707) sent with the authorization and token requests so the access token\'s audience is this API (JWT_AUDIENCE). Unset: none sent.', text),
} as const;

type Variables = typeof variables;
type Parsed<K extends keyof Variables> = Variables[K] extends VariableSpec<infer T> ? T : never;
type WithDefault = { [K in keyof Variables]: Variables[K]['default'] extends string ? K : never }[keyof Variables];

export type Config = { [K in keyof Variables]: K extends WithDefault ? Parsed<K> : Parsed<K> | undefined };

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(variables) as [string, VariableSpec<unknown>][]) {
    const raw = env[spec.name] !== undefined && env[spec.name] !== '' ? env[spec.name] : spec.default;
    out[key] = raw === undefined ? undefined : spec.parse(raw, spec.name);
  }
  return out as Config;
}

/** For process entries: runs fn, and on a ConfigError prints it and exits with EX_CONFIG (78). */
export function exitOnConfigError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  return exitOnConfigError(() => loadConfig(env));
}
