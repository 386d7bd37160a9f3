import type { Generated, Selectable } from 'kysely';

export interface BreakGlassGrantTable {
  id: string;
  user_id: string;
  reason: string;
  granted_at: Generated<Date>;
  expires_at: Date;
  ended_at: Date | null;
}

export type BreakGlassGrant = Selectable<BreakGlassGrantTable>;
