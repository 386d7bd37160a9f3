import { type DemoHttp, unexpected } from './http.js';

/**
 * What the demo works with, read through the API: the seeded users (GET /users) and the
 * locations with their dossier, team and case manager (GET /locations). The choice of locations
 * is deterministic: the same database gives the same choice, also after the demo ran (it reads
 * only what the demo does not change: ids, teams, case managers and whether the licence is
 * active or suspended, never revoked by the demo).
 */
export interface DemoUser {
  id: string;
  name: string;
  role: string;
  teamId: string | null;
}

export interface DemoLocation {
  id: string;
  name: string;
  kind: string;
  municipality: string;
  licenceStatus: string;
  organiserId: string;
  dossierId: string;
  teamId: string;
  caseManagerId: string;
}

export interface World {
  users: DemoUser[];
  /** The regional teams (those with case managers), in id order. */
  teams: string[];
  coordinatorOf: (teamId: string) => string;
  /** The team's case managers, in id order. */
  caseManagersOf: (teamId: string) => string[];
  crisisCoordinators: string[];
  jurists: string[];
  admin: string;
  centralLead: string;
  /** Locations of each regional team, in id order, with an active or suspended licence. */
  locationsOf: (teamId: string) => DemoLocation[];
}

/** The seeded admin: the one user id the demo knows before it has read the users (docs/synthetic-data.md). */
export const BOOTSTRAP_USER = 'u-admin';

/** How many locations per team the demo reads at most (pages of 500, in id order). */
const LOCATIONS_PER_TEAM_WANTED = 40;

export async function readWorld(http: DemoHttp): Promise<World> {
  const usersAnswer = await http.get<DemoUser[]>('/users', BOOTSTRAP_USER);
  if (usersAnswer.status !== 200) throw unexpected('GET /users', usersAnswer);
  const users = usersAnswer.body;
  const byRole = (role: string) => users.filter((u) => u.role === role).map((u) => u.id).sort();
  const caseManagers = users.filter((u) => u.role === 'klantenbeheerder' && u.teamId);
  const teams = [...new Set(caseManagers.map((u) => u.teamId!))].sort();
  if (teams.length === 0) throw new Error('no case managers: is the database seeded (SEED_ON_START, npm run seed)?');

  const perTeam = new Map<string, DemoLocation[]>(teams.map((t) => [t, []]));
  for (let offset = 0; ; offset += 500) {
    const page = await http.get<{ items: (Omit<DemoLocation, 'dossierId' | 'teamId' | 'caseManagerId'> & { dossierId: string | null; teamId: string | null; caseManagerId: string | null })[]; total: number }>(
      `/locations?limit=500&offset=${offset}`, BOOTSTRAP_USER,
    );
    if (page.status !== 200) throw unexpected('GET /locations', page);
    for (const l of page.body.items) {
      if (!l.dossierId || !l.teamId || !l.caseManagerId || !perTeam.has(l.teamId)) continue;
      if (l.licenceStatus !== 'actief' && l.licenceStatus !== 'geschorst') continue;
      perTeam.get(l.teamId)!.push({ ...l, dossierId: l.dossierId, teamId: l.teamId, caseManagerId: l.caseManagerId });
    }
    const enough = [...perTeam.values()].every((ls) => ls.length >= LOCATIONS_PER_TEAM_WANTED);
    if (enough || offset + 500 >= page.body.total) break;
  }
  for (const [team, ls] of perTeam) perTeam.set(team, ls.slice(0, LOCATIONS_PER_TEAM_WANTED));

  const teamRole = (role: string, teamId: string) => users.filter((u) => u.role === role && u.teamId === teamId).map((u) => u.id).sort();
  const one = (ids: string[], what: string) => {
    if (!ids[0]) throw new Error(`no ${what} among the users`);
    return ids[0];
  };
  const admin = one(byRole('admin'), 'admin');
  const centralCoordinators = users.filter((u) => u.role === 'teamcoordinator' && !teams.includes(u.teamId ?? '')).map((u) => u.id);
  return {
    users,
    teams,
    coordinatorOf: (teamId) => teamRole('teamcoordinator', teamId)[0] ?? one(centralCoordinators, 'team coordinator'),
    caseManagersOf: (teamId) => teamRole('klantenbeheerder', teamId),
    crisisCoordinators: byRole('crisiscoordinator'),
    jurists: byRole('jurist'),
    admin,
    centralLead: centralCoordinators[0] ?? admin,
    locationsOf: (teamId) => perTeam.get(teamId) ?? [],
  };
}

/**
 * Hands out locations round robin over the teams: cases first (one location each, never shared),
 * then inspections, then reports (which may share a location when a small database runs out).
 */
export class LocationAllocator {
  private readonly used = new Set<string>();
  private readonly cursor = new Map<string, number>();
  private turn = 0;

  constructor(private readonly world: World) {}

  /** The next unused location, of the next team in turn (or of `teamId`); undefined when all are used. */
  take(teamId?: string): DemoLocation | undefined {
    const teams = teamId ? [teamId] : this.world.teams.map((_, i) => this.world.teams[(this.turn + i) % this.world.teams.length]!);
    if (!teamId) this.turn += 1;
    for (const team of teams) {
      const list = this.world.locationsOf(team);
      let i = this.cursor.get(team) ?? 0;
      while (i < list.length && this.used.has(list[i]!.id)) i += 1;
      this.cursor.set(team, i + 1);
      const l = list[i];
      if (l) {
        this.used.add(l.id);
        return l;
      }
    }
    return undefined;
  }

  /** A location for a report: an unused one if any is left, else one already used (round robin). */
  takeShared(index: number): DemoLocation {
    const fresh = this.take();
    if (fresh) return fresh;
    const all = this.world.teams.flatMap((t) => this.world.locationsOf(t));
    if (all.length === 0) throw new Error('no locations with a dossier and a case manager');
    return all[index % all.length]!;
  }
}
