import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export const roles = ['klantenbeheerder', 'crisiscoordinator', 'jurist', 'teamcoordinator', 'admin', 'modular'] as const;
export type Role = (typeof roles)[number];

/** Everyone of the agency who may read dossiers; not the machine role of the Modular integration. */
export const staffReaders: readonly Role[] = ['klantenbeheerder', 'crisiscoordinator', 'jurist', 'teamcoordinator', 'admin'];

export const locationKinds = ['gezinsopvang', 'groepsopvang'] as const;
export type LocationKind = (typeof locationKinds)[number];

export const licenceStatuses = ['actief', 'geschorst', 'opgeheven', 'stopgezet'] as const;
export type LicenceStatus = (typeof licenceStatuses)[number];

/** A `date` column: read as 'YYYY-MM-DD' text (see db/connect.ts), written as the same. */
type DateColumn = ColumnType<string, string, string>;

export interface TeamTable {
  id: string;
  name: string;
  province: string;
}

export interface UserTable {
  id: string;
  name: string;
  email: string;
  role: Role;
  team_id: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface OrganiserTable {
  id: string;
  name: string;
  enterprise_number: string;
  email: string | null;
  phone: string | null;
  created_at: Generated<Date>;
}

export interface LocationTable {
  id: string;
  organiser_id: string;
  name: string;
  kind: LocationKind;
  capacity: number;
  street: string;
  house_number: string;
  postal_code: string;
  municipality: string;
  province: string;
  licence_status: LicenceStatus;
  licensed_since: DateColumn;
  created_at: Generated<Date>;
}

export interface DossierTable {
  id: string;
  location_id: string;
  team_id: string;
  case_manager_id: string | null;
  opened_at: Generated<Date>;
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type NewOrganiser = Insertable<OrganiserTable>;
export type NewLocation = Insertable<LocationTable>;
export type NewDossier = Insertable<DossierTable>;
