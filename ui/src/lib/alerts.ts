// Showing the outcome of a request near the form that sent it: errors never pass silently.
import { h } from './dom.js';
import { describeError } from './format.js';

/** A mistake found before sending: shown like an API error, without a server answer. */
export function inputError(message: string): Error {
  return Object.assign(new Error(message), { local: true });
}

/** An empty alert region (role=alert) to put next to a form; filled by showError. */
export function errorBox(): HTMLDivElement {
  return h('div', { class: 'error', role: 'alert', hidden: true });
}

/** A polite status region for "done" messages. */
export function statusBox(text = ''): HTMLParagraphElement {
  return h('p', { class: 'status', role: 'status' }, text);
}

/**
 * Fills the alert with "Niet gelukt: …", the API's detail, the failing fields, and marks those
 * fields in the form (controls are named after the API's field path, e.g. "reporter.email").
 */
export function showError(box: HTMLElement, err: unknown, form?: HTMLFormElement): void {
  const { summary, detail, fields, requestId } = describeError(err);
  const detailLine = detail && !summary.includes(detail) ? h('p', { class: 'detail' }, `Antwoord van de server: ${detail}`) : null;
  const parts: (HTMLElement | null)[] = [
    h('p', {}, h('strong', {}, 'Niet gelukt: '), summary),
    fields.length > 0 ? h('ul', {}, fields.map((f) => h('li', {}, h('strong', {}, f.label), `: ${f.message}`))) : null,
    detailLine,
    requestId ? h('p', { class: 'detail' }, `Referentie: ${requestId}`) : null,
  ];
  box.replaceChildren(...parts.filter((x): x is HTMLElement => x !== null));
  box.hidden = false;
  if (form) {
    clearInvalid(form);
    for (const f of fields) {
      const name = f.field.split('.').filter((p) => !/^\d+$/.test(p)).slice(1).join('.');
      const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (control) control.setAttribute('aria-invalid', 'true');
    }
  }
}

export function clearError(box: HTMLElement, form?: HTMLFormElement): void {
  box.replaceChildren();
  box.hidden = true;
  if (form) clearInvalid(form);
}

function clearInvalid(form: HTMLFormElement) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/**
 * Wires a form to an async action: disables its buttons while it runs (no double submit), shows
 * the error near the form when it fails. `run` gets the form and returns what `done` receives.
 */
export function handleSubmit<T>(form: HTMLFormElement, box: HTMLElement, run: (form: HTMLFormElement) => Promise<T | undefined>, done?: (result: T) => unknown): void {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    clearError(box, form);
    form.setAttribute('aria-busy', 'true');
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    try {
      const result = await run(form);
      if (result !== undefined) await done?.(result);
    } catch (err) {
      showError(box, err, form);
    } finally {
      form.removeAttribute('aria-busy');
      for (const b of buttons) b.disabled = false;
    }
  });
}
