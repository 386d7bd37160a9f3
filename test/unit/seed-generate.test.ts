import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCrisisRoster } from '../../db/seed/roster.js';
import { DEFAULT_NOW, DEFAULT_REFERENCE_DATE, enforcementKinds, referenceMoment, type FlandersData, generateFlanders, timelineKinds } from '../../db/seed/generate.js';
import { municipalities } from '../../db/seed/municipalities.js';
import { Random } from '../../db/seed/random.js';

const DAY = 86_400_000;
const MONTH = 30.44 * DAY;
const now = DEFAULT_NOW.getTime();
// Scale 1 is what `npm start` seeds; it takes a fraction of a second, so it is generated once.
const full = generateFlanders();
const small = generateFlanders({ scale: 0.1 });

const time = (d: Date | string): number => (d instanceof Date ? d.getTime() : new Date(d).getTime());
const countBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};
const lastYear = (data: FlandersData, kind: string) =>
  data.timeline.filter((e) => e.kind === kind && time(e.occurred_at) >= now - 365 * DAY).length;

function entriesByLocation(data: FlandersData) {
  const locationOf = new Map(data.dossiers.map((d) => [d.id, d.location_id]));
  const byLocation = new Map<string, { t: number; kind: string }[]>(data.locations.map((l) => [l.id, []]));
  for (const e of data.timeline) byLocation.get(locationOf.get(e.dossier_id) as string)?.push({ t: time(e.occurred_at), kind: e.kind });
  return byLocation;
}

describe('the random source', () => {
  it('repeats for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const rng = new Random(seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(1)).toEqual(draw(1));
    const a = new Random(1);
    const b = new Random(2);
    expect([a.next(), a.next()]).not.toEqual([b.next(), b.next()]);
  });

  it('has sane normal and poisson draws', () => {
    const rng = new Random(42);
    const normals = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
    const variance = normals.reduce((s, x) => s + (x - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const counts = Array.from({ length: 20_000 }, () => rng.poisson(2.5));
    expect(Math.abs(counts.reduce((s, x) => s + x, 0) / counts.length - 2.5)).toBeLessThan(0.05);
  });

  it('is the only source of randomness in the seed', () => {
    const dir = fileURLToPath(new URL('../../db/seed', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain('Math.random');
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/new Date\(\)|Date\.now\(\)/);
    }
  });
});

describe('the municipalities', () => {
  it('are the 285 Flemish municipalities since 2025, per province', () => {
    expect(municipalities).toHaveLength(285);
    expect(new Set(municipalities.map((m) => m.name)).size).toBe(285);
    expect(Object.fromEntries(countBy(municipalities, (m) => m.province))).toEqual({
      Antwerpen: 67,
      Limburg: 38,
      'Oost-Vlaanderen': 55,
      'Vlaams-Brabant': 63,
      'West-Vlaanderen': 62,
    });
    for (const m of municipalities) {
      expect(m.postalCodes.length).toBeGreaterThan(0);
      for (const code of m.postalCodes) expect(code).toMatch(/^[1-9]\d{3}$/);
      expect(m.population).toBeGreaterThan(0);
    }
  });
});

describe('generateFlanders', () => {
  it('is deterministic for a seed, scale and now', () => {
    expect(generateFlanders({ scale: 0.1 })).toEqual(small);
    const other = generateFlanders({ scale: 0.1, seed: 7 });
    expect(other.locations).not.toEqual(small.locations);
    expect(other.timeline).not.toEqual(small.timeline);
    // The staff is the same for every seed, so the dev users can be documented.
    expect(other.users).toEqual(small.users);
  });

  it('builds about 1,700 organisers and 6,300 locations, 60% gezinsopvang', () => {
    expect(full.locations.length).toBeGreaterThan(6000);
    expect(full.locations.length).toBeLessThan(6600);
    expect(full.organisers.length).toBeGreaterThan(1500);
    expect(full.organisers.length).toBeLessThan(1900);
    const family = full.locations.filter((l) => l.kind === 'gezinsopvang').length / full.locations.length;
    expect(family).toBeGreaterThan(0.59);
    expect(family).toBeLessThan(0.61);
    expect(small.locations.length).toBeGreaterThan(550);
    expect(small.locations.length).toBeLessThan(700);
  });

  it('gives gezinsopvang 1–8 places, mostly 4–8, and groepsopvang 9–120 with a median near 27', () => {
    const family = full.locations.filter((l) => l.kind === 'gezinsopvang').map((l) => l.capacity);
    expect(Math.min(...family)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...family)).toBeLessThanOrEqual(8);
    expect(family.filter((c) => c >= 4).length / family.length).toBeGreaterThan(0.85);
    const group = full.locations.filter((l) => l.kind === 'groepsopvang').map((l) => l.capacity).sort((a, b) => a - b);
    expect(group[0]).toBeGreaterThanOrEqual(9);
    expect(group.at(-1)).toBeLessThanOrEqual(120);
    const median = group[Math.floor(group.length / 2)] as number;
    expect(median).toBeGreaterThanOrEqual(25);
    expect(median).toBeLessThanOrEqual(30);
  });

  it('lets gezinsopvang organisers mostly own one location and a few groepsopvang organisers own 20–80', () => {
    const kindOf = new Map(full.locations.map((l) => [l.organiser_id, l.kind]));
    const sizes = countBy(full.locations, (l) => l.organiser_id);
    const family = [...sizes].filter(([org]) => kindOf.get(org) === 'gezinsopvang').map(([, n]) => n);
    expect(family.filter((n) => n === 1).length / family.length).toBeGreaterThan(0.9);
    const group = [...sizes].filter(([org]) => kindOf.get(org) === 'groepsopvang').map(([, n]) => n);
    const big = group.filter((n) => n >= 20);
    expect(big.length).toBeGreaterThan(3);
    expect(big.length).toBeLessThan(0.05 * group.length);
    expect(Math.max(...group)).toBeLessThanOrEqual(80);
  });

  it('places locations in real municipalities, big cities more', () => {
    const known = new Map(municipalities.map((m) => [m.name, m]));
    for (const l of full.locations) {
      const m = known.get(l.municipality);
      expect(m, l.municipality).toBeDefined();
      expect(l.province).toBe(m?.province);
      expect(m?.postalCodes).toContain(l.postal_code);
    }
    const perMunicipality = countBy(full.locations, (l) => l.municipality);
    expect(perMunicipality.get('Antwerpen') ?? 0).toBeGreaterThan(200);
    expect(perMunicipality.get('Gent') ?? 0).toBeGreaterThan(perMunicipality.get('Brugge') ?? 0);
    expect(perMunicipality.get('Leuven') ?? 0).toBeGreaterThan(perMunicipality.get('Zoutleeuw') ?? 0);
  });

  it('gives every location exactly one dossier in its province team, balanced over the klantenbeheerders', () => {
    expect(full.dossiers).toHaveLength(full.locations.length);
    expect(new Set(full.dossiers.map((d) => d.location_id)).size).toBe(full.locations.length);
    const locations = new Map(full.locations.map((l) => [l.id, l]));
    const users = new Map(full.users.map((u) => [u.id, u]));
    for (const d of full.dossiers) {
      const location = locations.get(d.location_id);
      const team = full.teams.find((t) => t.province === location?.province);
      expect(d.team_id).toBe(team?.id);
      const manager = users.get(d.case_manager_id as string);
      expect(manager?.role).toBe('klantenbeheerder');
      expect(manager?.team_id).toBe(d.team_id);
    }
    for (const team of full.teams.filter((t) => t.id !== 'team-centraal')) {
      const load = [...countBy(full.dossiers.filter((d) => d.team_id === team.id), (d) => d.case_manager_id as string).values()];
      expect(load).toHaveLength(8);
      expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps every foreign key consistent', () => {
    for (const data of [full, small]) {
      const teams = new Set(data.teams.map((t) => t.id));
      const users = new Set(data.users.map((u) => u.id));
      const organisers = new Set(data.organisers.map((o) => o.id));
      const locations = new Set(data.locations.map((l) => l.id));
      const dossiers = new Set(data.dossiers.map((d) => d.id));
      expect(data.users.filter((u) => u.team_id !== null && !teams.has(u.team_id as string))).toEqual([]);
      expect(data.locations.filter((l) => !organisers.has(l.organiser_id))).toEqual([]);
      expect(data.dossiers.filter((d) => !locations.has(d.location_id) || !teams.has(d.team_id) || !users.has(d.case_manager_id as string))).toEqual([]);
      expect(data.timeline.filter((e) => !dossiers.has(e.dossier_id) || (e.actor_id && !users.has(e.actor_id))).slice(0, 5)).toEqual([]);
      // Every organiser owns at least one location.
      expect(new Set(data.locations.map((l) => l.organiser_id)).size).toBe(data.organisers.length);
    }
  });

  it('has unique ids, emails, enterprise numbers and idempotency keys, in the documented formats', () => {
    const unique = (values: readonly unknown[]) => expect(new Set(values).size).toBe(values.length);
    unique(full.teams.map((t) => t.id));
    unique(full.users.map((u) => u.id));
    unique(full.users.map((u) => u.email));
    unique(full.organisers.map((o) => o.id));
    unique(full.organisers.map((o) => o.enterprise_number));
    unique(full.locations.map((l) => l.id));
    unique(full.dossiers.map((d) => d.id));
    unique(full.timeline.map((e) => e.idempotency_key));
    for (const u of full.users) expect(u.email).toMatch(/^[a-z]+(\.[a-z]+)?@opgroeien\.test$/);
    for (const o of full.organisers) {
      expect(o.id).toMatch(/^ORG-\d{5}$/);
      expect(o.email).toMatch(/\.test$/);
      expect(o.enterprise_number).toMatch(/^0\d{3}\.\d{3}\.\d{3}$/);
      const digits = o.enterprise_number.replaceAll('.', '');
      expect(97 - (Number(digits.slice(0, 8)) % 97)).toBe(Number(digits.slice(8)));
    }
    for (const l of full.locations) expect(l.id).toMatch(/^LOC-\d{6}$/);
    for (const d of full.dossiers) expect(d.id).toMatch(/^DOS-\d{6}$/);
    for (const e of full.timeline) expect(e.idempotency_key).toMatch(/^seed:/);
  });

  it('has the documented teams and dev users', () => {
    expect(full.teams.map((t) => t.id).sort()).toEqual([
      'team-antwerpen',
      'team-centraal',
      'team-limburg',
      'team-oost-vlaanderen',
      'team-vlaams-brabant',
      'team-west-vlaanderen',
    ]);
    expect(full.teams.find((t) => t.id === 'team-centraal')?.province).toBe('Vlaanderen');
    const users = new Map(full.users.map((u) => [u.id, u]));
    const expectUser = (id: string, role: string, team: string) => {
      expect(users.get(id)?.role, id).toBe(role);
      expect(users.get(id)?.team_id, id).toBe(team);
    };
    for (const slug of ['antwerpen', 'limburg', 'oost-vlaanderen', 'vlaams-brabant', 'west-vlaanderen']) {
      expectUser(`u-tc-${slug}`, 'teamcoordinator', `team-${slug}`);
      for (let i = 1; i <= 8; i++) expectUser(`u-kb-${slug}-${i}`, 'klantenbeheerder', `team-${slug}`);
    }
    for (let i = 1; i <= 4; i++) expectUser(`u-cc-${i}`, 'crisiscoordinator', 'team-centraal');
    for (let i = 1; i <= 3; i++) expectUser(`u-jur-${i}`, 'jurist', 'team-centraal');
    expectUser('u-admin', 'admin', 'team-centraal');
    expectUser('u-tc-centraal', 'teamcoordinator', 'team-centraal');
    expectUser('u-modular', 'modular', 'team-centraal');
    expect(users.get('u-modular')?.name).toBe('Modular (Zorginspectie)');
    expect(full.users).toHaveLength(5 * 9 + 4 + 3 + 1 + 1 + 1);
  });

  // One expect per finding, not per entry: ~8 expects for each of the tens of thousands of entries
  // took 3 s alone and over vitest's 5 s beside three integration files on 2 cores (CI 2026-12-03).
  it('keeps the history within the three years before now, after each licence start', () => {
    const windowStart = Date.UTC(2023, 10, 1);
    const locations = new Map(full.locations.map((l) => [l.id, l]));
    const licensed = new Map(full.dossiers.map((d) => [d.id, time(`${locations.get(d.location_id)?.licensed_since}T00:00:00Z`)]));
    const kinds = new Set<string>(timelineKinds);
    const advices = new Set(['gunstig', 'aandachtspunten', 'handhaving']);
    const wrong = full.timeline.filter((e) => {
      const t = time(e.occurred_at);
      return !(t >= windowStart && t < now && t >= (licensed.get(e.dossier_id) ?? Number.NaN))
        || !kinds.has(e.kind)
        || e.title.length === 0
        || typeof e.details !== 'object'
        || (e.kind === 'inspectie' && !advices.has((e.details as { advies: string }).advies));
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(full.timeline.length).toBeGreaterThan(10_000);
    const misdated = full.locations.filter((l) => !(time(`${l.licensed_since}T00:00:00Z`) >= Date.UTC(1995, 0, 1) && time(`${l.licensed_since}T00:00:00Z`) < now));
    expect(misdated).toEqual([]);
  });

  it('has yearly volumes in line with DOMAIN.md', () => {
    expect(lastYear(full, 'melding')).toBeGreaterThan(700);
    expect(lastYear(full, 'melding')).toBeLessThan(1200);
    expect(lastYear(full, 'crisismelding')).toBeGreaterThan(220);
    expect(lastYear(full, 'crisismelding')).toBeLessThan(440);
    expect(lastYear(full, 'schorsing')).toBeGreaterThan(25);
    expect(lastYear(full, 'schorsing')).toBeLessThan(75);
    expect(lastYear(full, 'opheffing')).toBeGreaterThan(15);
    expect(lastYear(full, 'opheffing')).toBeLessThan(50);
    expect(lastYear(full, 'bezwaar')).toBeGreaterThan(0);
    expect(lastYear(full, 'bezwaar')).toBeLessThan(25);
    const inspectionsPerLocation = lastYear(full, 'inspectie') / full.locations.length;
    expect(inspectionsPerLocation).toBeGreaterThan(0.55);
    expect(inspectionsPerLocation).toBeLessThan(0.85);
    const enforced = new Set(
      full.timeline
        .filter((e) => (enforcementKinds as readonly string[]).includes(e.kind) && time(e.occurred_at) >= now - 365 * DAY)
        .map((e) => e.dossier_id),
    );
    expect(enforced.size).toBeGreaterThan(180);
    expect(enforced.size).toBeLessThan(350);
  });

  it('keeps licence statuses consistent with the history', () => {
    const byLocation = entriesByLocation(full);
    const statuses = countBy(full.locations, (l) => l.licence_status);
    expect((statuses.get('actief') ?? 0) / full.locations.length).toBeGreaterThan(0.9);
    for (const status of ['geschorst', 'opgeheven', 'stopgezet']) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    for (const l of full.locations) {
      const entries = byLocation.get(l.id) ?? [];
      const revocation = entries.find((e) => e.kind === 'opheffing');
      expect(revocation !== undefined, l.id).toBe(l.licence_status === 'opgeheven');
      if (revocation) expect(entries.filter((e) => e.t > revocation.t && e.kind !== 'bezwaar')).toEqual([]);
      if (l.licence_status === 'geschorst') {
        const last = entries.filter((e) => (enforcementKinds as readonly string[]).includes(e.kind)).at(-1);
        expect(['schorsing', 'voornemen']).toContain(last?.kind);
        expect(entries.some((e) => e.kind === 'schorsing')).toBe(true);
      }
    }
  });

  it('carries a risk signal: many recent reports and advices foretell enforcement', () => {
    for (const data of [full, generateFlanders({ seed: 11 })]) {
      const byLocation = entriesByLocation(data);
      const cutOff = now - 6 * MONTH;
      const rows = data.locations
        .filter((l) => time(`${l.licensed_since}T00:00:00Z`) < cutOff)
        .map((l) => {
          const entries = byLocation.get(l.id) ?? [];
          const score = entries.filter(
            (e) => ['melding', 'crisismelding', 'advies_handhaving'].includes(e.kind) && e.t < cutOff && e.t >= cutOff - 12 * MONTH,
          ).length;
          const closed = entries.some((e) => e.kind === 'opheffing' && e.t < cutOff);
          const enforced = entries.some(
            (e) => (enforcementKinds as readonly string[]).includes(e.kind) && e.t >= cutOff && e.t < cutOff + 6 * MONTH,
          );
          return { id: l.id, score, closed, enforced };
        })
        .filter((r) => !r.closed)
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      const decile = Math.round(rows.length / 10);
      const rate = (part: typeof rows) => part.filter((r) => r.enforced).length / part.length;
      const top = rate(rows.slice(0, decile));
      const rest = rate(rows.slice(decile));
      expect(top).toBeGreaterThan(5 * rest);
    }
  });

  it('pins the history to the reference date (SEED_REFERENCE_DATE), also at a month end', () => {
    expect(DEFAULT_NOW.toISOString()).toBe(`${DEFAULT_REFERENCE_DATE}T00:00:00.000Z`);
    // 31 March: a month back is 28 February, not 3 March; three years back is 31 March 2024.
    const end = referenceMoment('2027-03-31');
    const data = generateFlanders({ scale: 0.05, now: end });
    expect(data).toEqual(generateFlanders({ scale: 0.05, now: end, rosterAround: end }));
    const times = data.timeline.map((e) => time(e.occurred_at));
    expect(Math.max(...times)).toBeLessThan(end.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.UTC(2024, 2, 31));
    for (const l of data.locations) expect(time(`${l.licensed_since}T00:00:00Z`)).toBeLessThan(end.getTime());
  });
});

describe('the crisis roster', () => {
  const coordinators = ['u-cc-1', 'u-cc-2', 'u-cc-3', 'u-cc-4'];
  const onDuty = (rows: ReturnType<typeof buildCrisisRoster>, at: number) =>
    rows.filter((r) => time(r.starts_at as Date) <= at && time(r.ends_at as Date) > at).sort((a, b) => a.position - b.position).map((r) => r.user_id);

  it('reaches from 8 weeks before the reference date to 3 years after the later of it and `rosterAround`', () => {
    const rows = buildCrisisRoster(DEFAULT_NOW, coordinators, new Date('2031-06-18T12:00:00Z'));
    expect(onDuty(rows, now - 7 * 7 * DAY)).toHaveLength(2);
    expect(onDuty(rows, Date.UTC(2031, 5, 18, 12))).toHaveLength(2);
    expect(onDuty(rows, Date.UTC(2034, 5, 1))).toHaveLength(2);
    // Whole weeks from Monday 08:00 UTC, without gaps or overlaps.
    const starts = [...new Set(rows.map((r) => time(r.starts_at as Date)))];
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(7 * DAY);
    expect(new Date(starts[0]!).toISOString()).toMatch(/T08:00:00\.000Z$/);
    expect(new Date(starts[0]!).getUTCDay()).toBe(1);
  });

  it('puts the same coordinators on duty in a week whenever it is seeded', () => {
    const a = buildCrisisRoster(DEFAULT_NOW, coordinators);
    const b = buildCrisisRoster(DEFAULT_NOW, coordinators, new Date('2028-02-29T23:00:00Z'));
    for (let t = now; t < now + 52 * 7 * DAY; t += 3 * DAY) {
      expect(onDuty(a, t)).toEqual(onDuty(b, t));
      const [first, second] = onDuty(a, t);
      expect(first).not.toBe(second);
    }
  });
});
