// People by name and role, never by bare id: GET /users once per session, then from memory.
import { get, type Schema } from './api.js';
import { label, labels } from './format.js';
import { session } from './session.js';

export type Person = Schema<'/users'>[number];

let directory: Map<string, Person> | null = null;
let loading: Promise<Map<string, Person>> | null = null;

/** Loads the user directory (once); resolves even when it cannot be had (ids are shown then). */
export function loadPeople(): Promise<Map<string, Person>> {
  if (directory) return Promise.resolve(directory);
  loading ??= get('/users').then((users) => {
    directory = new Map(users.map((u) => [u.id, u]));
    return directory;
  }).catch(() => {
    loading = null;
    return new Map<string, Person>();
  });
  return loading;
}

/** Forget the directory (on sign-out). */
export function forgetPeople(): void {
  directory = null;
  loading = null;
}

export const person = (id: string | null | undefined): Person | undefined => (id ? directory?.get(id) : undefined);

/** "An Peeters (klantenbeheerder, Antwerpen)"; "jij" added for the signed-in user; the id when unknown. */
export function personLabel(id: string | null | undefined, { withTeam = false, fallback = 'niemand' } = {}): string {
  if (!id) return fallback;
  if (id === 'system' || id === 'systeem') return 'het systeem';
  const p = person(id) ?? (session.me?.id === id ? session.me : undefined);
  if (!p) return id;
  const parts = [label(labels.role, p.role)];
  if (withTeam && p.teamId) parts.push(label(labels.team, p.teamId));
  return `${p.name} (${parts.join(', ')})${session.me?.id === id ? ' · jij' : ''}`;
}

/** Active people who may be given a report: [id, "name (role)"] for a select. */
export function assigneeOptions(filter: (p: Person) => boolean): [string, string][] {
  return [...(directory?.values() ?? [])].filter(filter).map((p) => [p.id, `${p.name} (${label(labels.role, p.role)}${p.teamId ? `, ${label(labels.team, p.teamId)}` : ''})`]);
}
