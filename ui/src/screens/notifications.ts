// Berichten (GET /notifications): escalations, reminders, Modular's cancellations and incidents,
// newest first, with read state; new ones arrive live from the stream (the bell's).
import { listView } from '../components/list-view.js';
import { type NotificationItem, onLiveNotification, setUnreadCount } from '../components/notification-bell.js';
import { errorBox, showError, statusBox } from '../lib/alerts.js';
import { api, get } from '../lib/api.js';
import { checkbox, type Child, h } from '../lib/dom.js';
import { formatDateTime, formatRelative, label, labels } from '../lib/format.js';
import { uiHref } from '../lib/router.js';

const state = { unread: false, offset: 0 };

export async function renderNotifications(container: HTMLElement): Promise<void> {
  const status = statusBox();
  const errors = errorBox();

  async function markRead(n: NotificationItem, button: HTMLButtonElement) {
    button.disabled = true;
    try {
      const { body } = await api<{ unread: number }>(`/notifications/${encodeURIComponent(n.id)}/read`, { method: 'POST' });
      setUnreadCount(body.unread);
      status.textContent = `“${n.subject}” is gelezen.`;
      await view.reload();
    } catch (err) {
      showError(errors, err);
      button.disabled = false;
    }
  }

  const subjectCell = (n: NotificationItem): Child => {
    const href = uiHref(n.href);
    return [
      h('p', { class: `notification-subject${n.read ? '' : ' unread'}` }, href ? h('a', { href }, n.subject) : n.subject),
      h('p', { class: 'notification-body' }, n.body),
    ];
  };


  const readAll = h('button', { type: 'button', onclick: async () => {
    readAll.disabled = true;
    try {
      const { body } = await api<{ marked: number; unread: number }>('/notifications/read-all', { method: 'POST' });
      setUnreadCount(body.unread);
      status.textContent = body.marked === 1 ? '1 bericht als gelezen gemarkeerd.' : `${body.marked} berichten als gelezen gemarkeerd.`;
      await view.reload();
    } catch (err) {
      showError(errors, err);
    } finally {
      readAll.disabled = false;
    }
  } }, 'Alles gelezen');

  const view = listView<NotificationItem>({
    id: 'berichten-titel',
    title: 'Berichten',
    caption: 'Berichten, de nieuwste eerst',
    actions: [readAll],
    filterBy: [checkbox('unread', 'Alleen ongelezen', { checked: state.unread })],
    columns: [
      { title: 'Ontvangen', cell: (n) => [h('time', { datetime: n.createdAt }, formatDateTime(n.createdAt)), h('small', { class: 'muted block' }, formatRelative(n.createdAt))], class: 'nowrap' },
      { title: 'Soort', cell: (n) => h('span', { class: `badge kind-${n.kind}` }, label(labels.notificationKind, n.kind)) },
      { title: 'Bericht', cell: subjectCell },
      { title: 'Gelezen', cell: (n) => n.read
        ? h('span', { class: 'muted' }, `gelezen ${formatDateTime(n.readAt)}`)
        : h('button', { type: 'button', 'aria-label': `Markeer als gelezen: ${n.subject}`, onclick: (ev: Event) => markRead(n, ev.currentTarget as HTMLButtonElement) }, 'Gelezen') },
    ],
    rowClass: (n) => (n.read ? null : 'unread'),
    load: async (offset, limit) => {
      const page = await get('/notifications', { unread: state.unread ? 'true' : undefined, offset: String(offset), limit: String(limit) });
      setUnreadCount(page.unread);
      return page;
    },
    state,
    noun: 'Berichten',
    empty: state.unread ? 'Geen ongelezen berichten.' : 'Nog geen berichten.',
  });
  container.append(status, errors, view.element);
  // New messages come in live: show them at once when the first page is in view.
  const stop = onLiveNotification(() => {
    if (!container.isConnected) {
      stop();
      return;
    }
    if (state.offset === 0) void view.reload();
  });
  await view.reload();
}
