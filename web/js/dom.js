// dom.js — the two tools every view uses: `h` builds an element whose text is always set
// as text (never parsed as HTML), and `syncList` keeps a list's elements in step with
// data, reusing each keyed element so focus, scroll and open details survive a render.

// h('li', {class: 'x', onclick: f}, 'text', child): attributes, listeners, children.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const keyed = new WeakMap();

// Makes `parent`'s children one element per item, in order: `create(item)` for a new
// key, `update(el, item)` (if given) for every item.
export function syncList(parent, items, keyOf, create, update) {
  const old = keyed.get(parent) || new Map();
  const next = new Map();
  let cursor = parent.firstChild;
  for (const item of items) {
    const key = keyOf(item);
    let el = old.get(key);
    if (!el || next.has(key)) el = create(item);
    if (update) update(el, item);
    next.set(key, el);
    if (el === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(el, cursor);
  }
  for (const [key, el] of old) if (!next.has(key) || next.get(key) !== el) el.remove();
  keyed.set(parent, next);
}

// Sets an element's text only when it changed (no needless layout work).
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function show(el, visible) {
  if (el.hidden === visible) el.hidden = !visible;
}

// "14:05" today, else "3 Mar 14:05".
export function timeOf(iso) {
  const date = new Date(iso);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === new Date().toDateString()) return time;
  return `${date.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`;
}
