import type { Actor } from '../shared/actor.js';

/** Shared by the workflow and the API; imports no workflow code. */
export const recordDossierNoteWorkflowType = 'recordDossierNote';

export interface DossierNoteInput {
  dossierId: string;
  text: string;
  actor: Actor;
  /** Makes the note exactly-once: the same key never adds a second note. */
  noteKey: string;
}

export interface TimelineEntryView {
  id: string;
  dossierId: string;
  occurredAt: string;
  kind: string;
  title: string;
  details: Record<string, unknown>;
  actorId: string | null;
}

export function dossierNoteWorkflowId(dossierId: string, noteKey: string): string {
  return `dossier-note:${dossierId}:${noteKey}`;
}
