import type { LocationLink } from '../../workflows/melding/definitions.js';

/** A location with its dossier, team and case manager, as `resolveLocationLink` gives it: the unit tests' report is about it. */
export const link: LocationLink = {
  locationId: 'LOC-0001',
  locationName: 'Kinderdagverblijf Het Klavertje',
  organiserId: 'ORG-0001',
  dossierId: 'DOS-0001',
  teamId: 'team-antwerpen',
  caseManagerId: 'u-kb-antwerpen-1',
};
