// Building DOM without a framework: h('p', { class: 'x' }, 'text', child) and a few helpers.

let nextId = 0;

/** A unique element id for label/for and aria pairs, e.g. uid('reden') → "reden-7". */
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Creates an element. Attributes: `class`, `text`, `on*` handlers (onclick, onsubmit…), boolean
 * attributes (true sets, false/null/undefined leaves out), everything else with setAttribute.
 * Children: nodes, strings, numbers; null, undefined and false are skipped; arrays are flattened.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'value' && 'value' in el) el.value = String(value);
    else if (key === 'checked' || key === 'selected') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** A labelled form control: <div class="field"><label>…</label><control></div>. */
export function field(label, control, hint) {
  if (!control.id) control.id = uid('f');
  const hintEl = hint ? h('small', { class: 'hint', id: uid('hint') }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** A <select> with [value, label] options; the first option is chosen unless `selected` is given. */
export function select(name, options, selected, attrs = {}) {
  return h('select', { name, ...attrs },
    options.map(([value, label]) => h('option', { value, selected: value === selected }, label)));
}

/** A labelled checkbox, label after the box. */
export function checkbox(name, label, attrs = {}) {
  const id = uid(name);
  return h('div', { class: 'check' },
    h('input', { type: 'checkbox', id, name, ...attrs }),
    h('label', { for: id }, label));
}

/** A section heading plus a form named by it, so assistive tech (and tests) find it as "form". */
export function namedForm(title, attrs, ...children) {
  const headingId = uid('form-title');
  return h('form', { 'aria-labelledby': headingId, ...attrs },
    h('h3', { id: headingId }, title), ...children);
}
