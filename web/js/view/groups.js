// view/groups.js — the group list with unread counts, and the form that creates a group.

import { h, setText, show, syncList } from '../dom.js';

const $ = (id) => document.getElementById(id);

export function bindGroups(dispatch) {
  $('create-group').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('create-name').value.trim();
    if (name) dispatch({ type: 'create-group', name });
    $('create-name').value = '';
  });
  $('groups').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-group]');
    if (button) dispatch({ type: 'select-group', id: button.dataset.group });
  });
}

export function renderGroups(state) {
  show($('no-groups'), state.groups.length === 0);
  syncList(
    $('groups'),
    state.groups,
    (g) => g.id,
    (g) => h('li', {}, h('button', { type: 'button', class: 'group', 'data-group': g.id },
      h('span', { class: 'group-name' }), h('span', { class: 'badge' }))),
    (li, g) => {
      const button = li.firstChild;
      const conv = state.convs.get(g.id);
      const unread = conv ? conv.unread : 0;
      setText(button.querySelector('.group-name'), g.name);
      setText(button.querySelector('.badge'), unread > 0 ? String(unread) : '');
      button.setAttribute('aria-label', unread > 0 ? `${g.name}, ${unread} unread` : g.name);
      if (g.id === state.active) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    },
  );
}

// Unread messages over all groups, for the window title.
export function totalUnread(state) {
  let total = 0;
  for (const conv of state.convs.values()) total += conv.unread;
  return total;
}
