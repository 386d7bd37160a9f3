// The screens and where they live: the hash routes and the main navigation (docs/ui.md, "Adding a screen").
import type { Role } from './lib/session.js';
import type { Location, Route } from './lib/router.js';
import { renderHandhavingDetail } from './screens/handhaving-detail.js';
import { renderHandhavingForm } from './screens/handhaving-form.js';
import { renderHandhavingList } from './screens/handhaving-list.js';
import { renderDossier, renderLocations } from './screens/locations.js';
import { renderMeldingDetail } from './screens/melding-detail.js';
import { renderMeldingForm } from './screens/melding-form.js';
import { renderMeldingenList } from './screens/meldingen-list.js';
import { renderNotifications } from './screens/notifications.js';
import { renderWork } from './screens/work.js';

export interface NavItem {
  nav: string;
  href: string;
  text: string;
  /** Who sees it; everyone when absent. */
  roles?: Role[];
}

/** The main navigation, in order. */
export const navItems: NavItem[] = [
  { nav: 'werk', href: '#/werk', text: 'Mijn werk' },
  { nav: 'meldingen', href: '#/meldingen', text: 'Meldingen' },
  { nav: 'handhaving', href: '#/handhaving', text: 'Handhaving' },
  { nav: 'locaties', href: '#/locaties', text: 'Opvanglocaties' },
  { nav: 'berichten', href: '#/berichten', text: 'Berichten' },
];

/** Route → which nav item is current, the page title, and how to render the view. */
export function resolve({ parts, params }: Location): Route {
  const [first, second] = parts;
  switch (first) {
    case 'berichten':
      return { nav: 'berichten', title: 'Berichten', render: (el) => renderNotifications(el) };
    case 'locaties':
      return { nav: 'locaties', title: 'Opvanglocaties', render: (el) => renderLocations(el) };
    case 'dossiers':
      if (second) return { nav: 'locaties', title: `Dossier ${second}`, render: (el) => renderDossier(el, second) };
      return { nav: 'locaties', title: 'Opvanglocaties', render: (el) => renderLocations(el) };
    case 'handhaving':
      if (second === 'nieuw') {
        return { nav: 'handhaving', title: 'Handhaving starten', render: (el) => renderHandhavingForm(el, { locationId: params.get('locatie') ?? undefined, dossierId: params.get('dossier') ?? undefined }) };
      }
      if (second) return { nav: 'handhaving', title: `Handhaving ${second}`, render: (el) => renderHandhavingDetail(el, second) };
      return { nav: 'handhaving', title: 'Handhaving', render: (el) => renderHandhavingList(el) };
    case 'meldingen':
      if (second === 'nieuw') return { nav: 'meldingen', title: 'Nieuwe melding', render: (el) => renderMeldingForm(el, { locationId: params.get('locatie') ?? undefined }) };
      if (second) return { nav: 'meldingen', title: `Melding ${second}`, render: (el) => renderMeldingDetail(el, second) };
      return { nav: 'meldingen', title: 'Meldingen', render: (el) => renderMeldingenList(el) };
    default:
      return { nav: 'werk', title: 'Mijn werk', render: (el) => renderWork(el, params) };
  }
}
