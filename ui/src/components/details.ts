// THE detail page: a title bar with badges and the way back, a status line, the facts and
// sections on the left, the commands on the right.
import { errorBox, showError } from '../lib/alerts.js';
import { type Child, h } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';

export interface DetailPageOptions {
  title: string;
  titleClass: string;
  crisis?: boolean;
  badges: Child[];
  back: { href: string; text: string };
  onRefresh: () => void;
  flash?: string | null;
  main: Child[];
  side?: HTMLElement | null;
}

/** Renders the page into the container; focuses the title after a command (flash). */
export function detailPage(container: HTMLElement, o: DetailPageOptions, focus = Boolean(o.flash)): HTMLElement {
  const title = h('h1', { tabindex: '-1', class: o.titleClass }, o.title);
  container.replaceChildren(
    h('div', { class: `title-bar detail-title${o.crisis ? ' crisis' : ''}` },
      h('div', {}, title, h('p', { class: 'badges' }, o.badges)),
      h('div', { class: 'title-actions' }, h('a', { href: o.back.href }, `← ${o.back.text}`), h('button', { type: 'button', onclick: o.onRefresh }, 'Vernieuwen'))),
    h('p', { class: 'status', role: 'status' }, o.flash ?? ''),
    h('div', { class: 'detail-grid' }, h('div', { class: 'detail-main' }, o.main), o.side ?? null),
  );
  if (focus) title.focus();
  return title;
}

/** A failed load of a detail page: the error in its place, with the way back. */
export function detailError(container: HTMLElement, back: { href: string; text: string }, err: unknown): void {
  const errors = errorBox();
  container.replaceChildren(h('p', {}, h('a', { href: back.href }, `← ${back.text}`)), errors);
  showError(errors, err);
}

/** Loads what a detail page shows; when that fails, the error in its place (detailError) and undefined. */
export async function loadDetail<T>(container: HTMLElement, back: { href: string; text: string }, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (err) {
    detailError(container, back, err);
    return undefined;
  }
}

/** A definition list of facts; falsy pairs are left out. */
export function facts(pairs: (readonly [string, Child] | null | undefined | false | '' | 0)[]): HTMLDListElement {
  return h('dl', { class: 'facts' }, pairs.filter((p): p is readonly [string, Child] => Boolean(p)).map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

/** A section labelled by its heading. */
export const section = (id: string, title: string, ...children: Child[]): HTMLElement =>
  h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);

/** A moment as <time>, long form. */
export const when = (iso: string | null | undefined): Child => (iso ? h('time', { datetime: iso }, formatDateTime(iso, true)) : '—');

export const badge = (text: string, kind = ''): HTMLSpanElement => h('span', { class: `badge${kind ? ` ${kind}` : ''}` }, text);

/** In place of a process's live sections when its workflow cannot be asked. */
export const liveUnavailable = (): HTMLElement =>
  h('p', { class: 'muted' }, 'De live toestand van het proces is niet beschikbaar; hierboven staat wat het register bewaart.');
