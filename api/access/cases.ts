import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { scopes, type Viewer } from './scope.js';

export type CaseKind = 'melding' | 'handhaving' | 'inspectie' | 'screening';

/** A case of any kind, read through the viewer's scope: undefined when absent or out of scope. */
export async function findCaseInScope(db: Kysely<Database>, viewer: Viewer, kind: CaseKind, id: string): Promise<{ dossierId: string | null } | undefined> {
  switch (kind) {
    case 'melding':
      return db.selectFrom('meldingen').select('dossier_id as dossierId').where('id', '=', id).where(scopes.meldingen(viewer)).executeTakeFirst();
    case 'handhaving':
      return db.selectFrom('enforcement_cases').select('dossier_id as dossierId').where('id', '=', id).where(scopes.enforcementCases(viewer)).executeTakeFirst();
    case 'inspectie':
      return db.selectFrom('inspections').select('dossier_id as dossierId').where('id', '=', id).where(scopes.inspections(viewer)).executeTakeFirst();
    case 'screening':
      return db.selectFrom('screening_tasks').select('dossier_id as dossierId').where('id', '=', id).where(scopes.screeningTasks(viewer)).executeTakeFirst();
  }
}

/** Whether a dossier (its view, timeline and notes) lies in the viewer's scope. */
export async function dossierInScope(db: Kysely<Database>, viewer: Viewer, dossierId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('dossiers').select('dossiers.id').where('dossiers.id', '=', dossierId).where(scopes.dossiers(viewer)).executeTakeFirst());
}

/** Whether the dossier of a location lies in the viewer's scope: who may open a case or an inspection there. */
export async function dossierOfLocationInScope(db: Kysely<Database>, viewer: Viewer, locationId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('dossiers').select('dossiers.id').where('dossiers.location_id', '=', locationId).where(scopes.dossiers(viewer)).executeTakeFirst());
}
