// Building DOM without a framework: h('p', { class: 'x' }, 'text', child) and a few form helpers.
// Handlers are attached with addEventListener (the CSP forbids inline handlers).

export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, unknown>;

let nextId = 0;

/** A unique element id for label/for and aria pairs, e.g. uid('reden') → "reden-7". */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Creates an element. Attributes: `class`, `text`, `on*` handlers (onclick, onsubmit…), boolean
 * attributes (true sets, false/null/undefined leaves out), everything else with setAttribute.
 * Children: nodes, strings, numbers; null, undefined and false are skipped; arrays are flattened.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
    else if (key === 'checked' || key === 'selected') (el as unknown as Record<string, boolean>)[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element | DocumentFragment, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** A labelled form control: <div class="field"><label>…</label><control><hint></div>. */
export function field(label: string, control: HTMLElement, hint?: string | null): HTMLDivElement {
  if (!control.id) control.id = uid('f');
  const hintEl = hint ? h('small', { class: 'hint', id: uid('hint') }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** A <select> with [value, label] options; the first option is chosen unless `selected` is given. */
export function select(name: string, options: readonly (readonly [string, string])[], selected?: string | null, attrs: Attrs = {}): HTMLSelectElement {
  return h('select', { name, ...attrs },
    options.map(([value, label]) => h('option', { value, selected: value === selected }, label)));
}

/** A labelled checkbox, label after the box. */
export function checkbox(name: string, label: string, attrs: Attrs = {}): HTMLDivElement {
  const id = uid(name);
  return h('div', { class: 'check' },
    h('input', { type: 'checkbox', id, name, ...attrs }),
    h('label', { for: id }, label));
}

/** A section heading plus a form named by it, so assistive tech (and tests) find it as "form". */
export function namedForm(title: string, attrs: Attrs, ...children: Child[]): HTMLFormElement {
  const headingId = uid('form-title');
  return h('form', { 'aria-labelledby': headingId, ...attrs },
    h('h3', { id: headingId }, title), ...children);
}

/** A named control of a form (input, select or textarea). */
export function control(form: HTMLFormElement, name: string): HTMLInputElement {
  const el = form.elements.namedItem(name);
  if (!el || el instanceof RadioNodeList) throw new Error(`form has no single control named ${name}`);
  return el as HTMLInputElement;
}

/** The trimmed value of a named control. */
export const val = (form: HTMLFormElement, name: string): string => control(form, name).value.trim();

/** Whether a named checkbox is checked. */
export const checked = (form: HTMLFormElement, name: string): boolean => control(form, name).checked;
