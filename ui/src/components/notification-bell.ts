// The bell in the header: the unread count, fed live by GET /notifications/stream (over fetch,
// lib/event-stream.ts); a new notification is announced politely.
import { get, type Schema } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { type EventStreamHandle, openEventStream } from '../lib/event-stream.js';

export type NotificationItem = Schema<'/notifications'>['items'][number];

type Listener = (n: NotificationItem) => void;

/** A bell drawn in SVG (no emoji font needed). */
function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '22');
  svg.setAttribute('height', '22');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z');
  svg.append(path);
  return svg;
}

/** Screens that want live notifications (the notifications screen) listen here. */
const liveListeners = new Set<Listener>();
export function onLiveNotification(fn: Listener): () => void {
  liveListeners.add(fn);
  return () => liveListeners.delete(fn);
}
let activeBell: Bell | null = null;
/** The unread count changed elsewhere (a notification marked read): tell the bell. */
export const setUnreadCount = (n: number): void => activeBell?.setUnread(n);

export interface Bell {
  element: HTMLElement;
  setUnread(n: number): void;
  /** Called for each notification pushed live (the notifications screen adds it to its list). */
  onNotification(fn: Listener): () => void;
  stop(): void;
}

export function notificationBell(): Bell {
  const count = h('span', { class: 'bell-count', 'aria-hidden': 'true' });
  const link = h('a', { href: '#/berichten', class: 'bell', id: 'notification-bell' }, bellIcon(), count);
  const announcer = h('div', { class: 'visually-hidden', 'aria-live': 'polite', id: 'notification-announcer' });
  const listeners = new Set<Listener>();

  function setUnread(n: number) {
    count.textContent = n > 99 ? '99+' : String(n);
    count.hidden = n === 0;
    link.setAttribute('aria-label', n === 0 ? 'Berichten: geen ongelezen' : `Berichten: ${n} ongelezen`);
    link.classList.toggle('has-unread', n > 0);
  }
  setUnread(0);
  // The first count comes at once from the list; the stream keeps it current.
  get('/notifications', { unread: 'true', limit: 1 }).then((p) => setUnread(p.unread)).catch(() => undefined);

  let stream: EventStreamHandle | null = openEventStream('/notifications/stream', (e) => {
    if (e.event === 'unread') {
      const data = JSON.parse(e.data) as { unread: number };
      setUnread(data.unread);
    } else if (e.event === 'notification') {
      const n = JSON.parse(e.data) as NotificationItem;
      announcer.textContent = `Nieuw bericht: ${n.subject}`;
      for (const fn of listeners) fn(n);
      for (const fn of liveListeners) fn(n);
    }
  }, (state) => link.setAttribute('data-stream', state));

  const bell: Bell = {
    element: h('div', { class: 'bell-wrap' }, link, announcer),
    setUnread,
    onNotification(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop() {
      stream?.close();
      stream = null;
      if (activeBell === bell) activeBell = null;
    },
  };
  activeBell = bell;
  return bell;
}
