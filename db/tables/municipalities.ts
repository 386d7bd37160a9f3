import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The contact point (lokaal loket kinderopvang) of a municipality: where letters and notices to
 * local government go (docs/letters.md, "The municipality"). One row per municipality, named as
 * in the locations register; its id is the name's slug (`sint-niklaas`).
 */
export interface MunicipalityContactTable {
  id: string;
  /** As in `locations.municipality`. */
  municipality: string;
  /** The municipality's NIS code (5 digits), when known. */
  nis_code: string | null;
  /** The contact point's functional mailbox: the address the letters go to. */
  email: string;
  /** Postal address (lines separated by a line feed), for letters on paper; no channel uses it yet. */
  postal_address: string | null;
  /** A contact person {name, email, phone}: personal data, sealed by the payload codec like the parents' contacts. */
  contact_sealed: string | null;
  contact_key_id: string | null;
  updated_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type MunicipalityContact = Selectable<MunicipalityContactTable>;
export type NewMunicipalityContact = Insertable<MunicipalityContactTable>;
