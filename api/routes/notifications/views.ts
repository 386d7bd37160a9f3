import type { NotificationRow } from '../../../db/repositories/notifications.js';
import { instant, nullableInstant, nullableString } from '../../schemas/common.js';

/** A notification (an internal message of the outbox) as the API shows it. */
export const notificationSchema = {
  type: 'object',
  required: ['id', 'kind', 'template', 'subject', 'body', 'subjectType', 'subjectId', 'href', 'createdAt', 'read', 'readAt'],
  properties: {
    id: { type: 'string', description: 'The outbox message id (ascending: newer is larger).' },
    kind: { type: 'string', enum: ['escalatie', 'herinnering', 'annulering', 'incident', 'melding'], description: 'A coarse grouping of the template for icons and filters.' },
    template: { type: 'string', description: 'escalatie_herinnering, escalatie_teamcoordinator, escalatie_centraal, inspectie, screening_herinnering, screening_over_termijn, herinnering_handhaving, incident, …' },
    subject: { type: 'string' },
    body: { type: 'string' },
    subjectType: { type: 'string', description: 'melding, handhaving, inspectie, screening_task, incident' },
    subjectId: { type: 'string' },
    href: { ...nullableString, description: 'The subject in the API, when it has a route.' },
    createdAt: instant,
    read: { type: 'boolean' },
    readAt: nullableInstant,
  },
} as const;

/** A notification's id in a path or in Last-Event-ID. */
export const notificationId = { type: 'string', pattern: '^[0-9]{1,18}$' } as const;

const hrefs: Record<string, string> = {
  melding: '/meldingen/',
  handhaving: '/handhaving/',
  inspectie: '/inspections/',
  screening_task: '/screening-tasks/',
  incident: '/incidents/',
};

function kindOf(n: NotificationRow): string {
  if (n.subject_type === 'incident') return 'incident';
  if (/herinnering/.test(n.template) || /^Herinnering/i.test(n.subject)) return 'herinnering';
  if (/annul/i.test(n.subject)) return 'annulering';
  if (/escalatie|over_termijn|^Dringend/i.test(n.template + ' ' + n.subject)) return 'escalatie';
  return 'melding';
}

export function toNotificationView(n: NotificationRow) {
  return {
    id: String(n.id),
    kind: kindOf(n),
    template: n.template,
    subject: n.subject,
    body: n.body,
    subjectType: n.subject_type,
    subjectId: n.subject_id,
    href: hrefs[n.subject_type] ? `${hrefs[n.subject_type]}${n.subject_id}` : null,
    createdAt: new Date(n.created_at).toISOString(),
    read: n.read_at !== null,
    readAt: n.read_at ? new Date(n.read_at).toISOString() : null,
  };
}
