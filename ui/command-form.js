import { errorBox, handleSubmit } from './alerts.js';
import { submission } from './api.js';
import { h, namedForm } from './dom.js';

/**
 * One command form, posted to `${resource}/${path}` with its own Idempotency-Key. `toBody` reads
 * the form (and may refuse with inputError); on success `onUpdated` gets what the API answered and
 * the message to show.
 */
export function commandForm(resource, onUpdated, { path, title, submitLabel, fields, toBody, done, hint, collapsed }) {
  const errors = errorBox();
  const form = namedForm(title, { class: 'command' },
    hint ? h('p', { class: 'hint' }, hint) : null,
    ...fields,
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, submitLabel)));
  const send = submission();
  handleSubmit(form, errors, async (f) => {
    if (!f.reportValidity()) return undefined;
    return send.send(`${resource}/${path}`, toBody(f));
  }, (result) => onUpdated(result.body, done));
  return collapsed ? h('details', { class: 'command' }, h('summary', {}, title), form) : form;
}
