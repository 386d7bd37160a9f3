// THE command form: one per command on a case, posted to `${resource}/${path}` with its own
// Idempotency-Key (kept for retries of one submission); errors shown in place.
import { errorBox, handleSubmit } from '../lib/alerts.js';
import { submission } from '../lib/api.js';
import { h, namedForm } from '../lib/dom.js';

export interface CommandSpec<B> {
  path: string;
  title: string;
  submitLabel: string;
  fields: (HTMLElement | null)[];
  toBody: (form: HTMLFormElement) => B;
  done: string;
  hint?: string | null;
  collapsed?: boolean;
}

/** On success `onUpdated` gets what the API answered and the message to show. */
export function commandForm<T, B>(resource: string, onUpdated: (updated: T, message: string) => void, spec: CommandSpec<B>): HTMLElement {
  const errors = errorBox();
  const form = namedForm(spec.title, { class: 'command' },
    spec.hint ? h('p', { class: 'hint' }, spec.hint) : null,
    ...spec.fields,
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, spec.submitLabel)));
  const send = submission();
  handleSubmit(form, errors, async (f) => {
    if (!f.reportValidity()) return undefined;
    return send.send<T>(`${resource}/${spec.path}`, spec.toBody(f));
  }, (result) => onUpdated(result.body, spec.done));
  return spec.collapsed ? h('details', { class: 'command' }, h('summary', {}, spec.title), form) : form;
}
