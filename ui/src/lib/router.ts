// Hash routes (#/werk, #/meldingen/MEL-…): the back button and links work without a server-side
// router, and index.html stays the only page. One table: path → nav item, title, render.
export interface Route {
  nav: string;
  title: string;
  render: (el: HTMLElement) => unknown;
}

export interface Location {
  parts: string[];
  params: URLSearchParams;
}

export type RouteTable = (loc: Location) => Route;

export function parseHash(hash: string): Location {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

/** The href of a route: link('meldingen', id) → "#/meldingen/MEL-…". */
export const link = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;

/**
 * The UI route of an API resource path (a work item's or notification's `href`):
 * /meldingen/X → #/meldingen/X, /handhaving/X → #/handhaving/X, /inspections/X → #/inspecties/X,
 * /screening-tasks/X → #/screening/taken/X, /incidents/X → #/incidenten/X.
 */
export function uiHref(apiHref: string | null | undefined): string | null {
  if (!apiHref) return null;
  const m = /^\/(meldingen|handhaving|inspections|screening-tasks|incidents)\/([^/?#]+)/.exec(apiHref);
  if (!m) return null;
  const id = m[2]!;
  switch (m[1]) {
    case 'meldingen': return `#/meldingen/${id}`;
    case 'handhaving': return `#/handhaving/${id}`;
    case 'inspections': return `#/inspecties/${id}`;
    case 'screening-tasks': return `#/screening/taken/${id}`;
    default: return `#/incidenten/${id}`;
  }
}
