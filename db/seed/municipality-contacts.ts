import type { NewMunicipalityContact } from '../tables/municipalities.js';
import { municipalitySlug } from '../repositories/municipalities.js';
import { municipalities } from './municipalities.js';

/**
 * The contact point (lokaal loket kinderopvang) of every municipality that has a seeded location:
 * synthetic, clearly fake (`*.gemeente.test`), no NIS code and no contact person (the seed holds
 * no personal data). They are register rows like any other: an admin changes them
 * (`/municipality-contacts`), and the letters to local government read them (docs/letters.md).
 */
export function seedMunicipalityContacts(locations: readonly { municipality: string }[]): NewMunicipalityContact[] {
  const names = [...new Set(locations.map((l) => l.municipality))].sort();
  const postalCode = new Map(municipalities.map((m) => [m.name, m.postalCodes[0] ?? '']));
  return names.map((name) => ({
    id: municipalitySlug(name),
    municipality: name,
    nis_code: null,
    email: `lokaal-loket@${municipalitySlug(name)}.gemeente.test`,
    postal_address: `Lokaal loket kinderopvang\nGemeentehuis\n${postalCode.get(name) ?? ''} ${name}`.trim(),
    contact_sealed: null,
    contact_key_id: null,
    updated_by: 'systeem',
  }));
}
