// The screens and where they live: the hash routes and the main navigation (docs/ui.md, "Adding a screen").
import type { Role } from './lib/session.js';
import type { Location, Route } from './lib/router.js';
import { renderAudit, renderCrisisRoster, renderIncident, renderIncidents, renderMunicipalityContacts } from './screens/admin.js';
import { renderDashboard } from './screens/dashboard.js';
import { renderInspectionDetail, renderInspectionForm, renderInspectionsList } from './screens/inspections.js';
import { renderRiskModels, renderScreening, renderScreeningTask } from './screens/screening.js';
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
  { nav: 'inspecties', href: '#/inspecties', text: 'Inspecties', roles: ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator', 'jurist'] },
  { nav: 'screening', href: '#/screening', text: 'Risicoscreening', roles: ['klantenbeheerder', 'teamcoordinator', 'admin'] },
  { nav: 'dashboard', href: '#/dashboard', text: 'Dashboard', roles: ['teamcoordinator', 'admin'] },
  { nav: 'locaties', href: '#/locaties', text: 'Opvanglocaties' },
  { nav: 'crisisrooster', href: '#/crisisrooster', text: 'Crisisrooster', roles: ['crisiscoordinator', 'teamcoordinator', 'admin'] },
  { nav: 'incidenten', href: '#/incidenten', text: 'Incidenten', roles: ['admin'] },
  { nav: 'audit', href: '#/audit', text: 'Auditlog', roles: ['admin'] },
  { nav: 'gemeenten', href: '#/gemeenten', text: 'Gemeenten', roles: ['admin'] },
  { nav: 'berichten', href: '#/berichten', text: 'Berichten' },
];

/** Route → which nav item is current, the page title, and how to render the view. */
export function resolve({ parts, params }: Location): Route {
  const [first, second] = parts;
  switch (first) {
    case 'dashboard':
      return { nav: 'dashboard', title: 'Teamdashboard', render: (el) => renderDashboard(el, params) };
    case 'inspecties':
      if (second === 'nieuw') return { nav: 'inspecties', title: 'Inspectie aanvragen', render: (el) => renderInspectionForm(el, params) };
      if (second) return { nav: 'inspecties', title: `Inspectie ${second}`, render: (el) => renderInspectionDetail(el, second) };
      return { nav: 'inspecties', title: 'Inspecties', render: (el) => renderInspectionsList(el) };
    case 'screening':
      if (second === 'taken' && parts[2]) return { nav: 'screening', title: `Screening ${parts[2]}`, render: (el) => renderScreeningTask(el, parts[2]!) };
      if (second === 'modellen') return { nav: 'screening', title: 'Modelversies', render: (el) => renderRiskModels(el) };
      return { nav: 'screening', title: 'Risicoscreening', render: (el) => renderScreening(el, params) };
    case 'incidenten':
      if (second) return { nav: 'incidenten', title: 'Incident', render: (el) => renderIncident(el, second) };
      return { nav: 'incidenten', title: 'Incidenten', render: (el) => renderIncidents(el) };
    case 'gemeenten':
      return { nav: 'gemeenten', title: 'Contactpunten van gemeenten', render: (el) => renderMunicipalityContacts(el) };
    case 'audit':
      return { nav: 'audit', title: 'Auditlog', render: (el) => renderAudit(el) };
    case 'crisisrooster':
      return { nav: 'crisisrooster', title: 'Crisisrooster', render: (el) => renderCrisisRoster(el) };
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
