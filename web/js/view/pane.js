// view/pane.js — the side panel of the group on screen: its members (and the form that
// adds one), the liabilities with why each binds, and the commitments with a revoke
// button on the reader's own active ones. Live: update/ reloads it after every
// commitment or liability message.

import { activeConv, activeGroup } from '../state.js';
import { h, setText, show, syncList } from '../dom.js';
import { amountOf, byUser, why } from '../why.js';

const $ = (id) => document.getElementById(id);

export function bindPane(dispatch) {
  $('add-member').addEventListener('submit', (event) => {
    event.preventDefault();
    const username = $('add-name').value.trim();
    if (username) dispatch({ type: 'add-member', username });
  });
  $('commitments').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-revoke]');
    if (button) dispatch({ type: 'revoke', id: Number(button.dataset.revoke) });
  });
}

export function renderPane(state) {
  const group = activeGroup(state);
  const conv = activeConv(state);
  show($('pane'), Boolean(group && conv));
  if (!group || !conv) return;
  syncList($('member-list'), group.members, (m) => m.id,
    (m) => h('li', {}, m.username, m.id === group.created_by ? h('span', { class: 'note' }, ' (creator)') : null));

  const commitments = conv.commitments || [];
  const liabilities = conv.liabilities || [];
  const loading = conv.commitments === null || conv.liabilities === null;
  setText($('liabilities-note'), conv.paneError ? `cannot load: ${conv.paneError}`
    : loading ? 'loading…' : liabilities.length === 0 ? 'Nobody is bound to anything yet.' : '');
  syncList($('liabilities'), byUser(liabilities), (u) => u.user.id,
    (u) => h('li', { class: 'liability-user' }, h('strong', {}), h('ul', {})),
    (li, u) => {
      setText(li.firstChild, u.user.username);
      syncList(li.lastChild, u.items, (l) => `${l.action}|${l.unit}`,
        () => h('li', {}, h('details', {}, h('summary', {}), h('ul', { class: 'why' }))),
        (item, l) => {
          const details = item.firstChild;
          setText(details.firstChild, `${amountOf(l)} — why?`);
          const reasons = why(l, commitments, liabilities, group.members);
          details.lastChild.replaceChildren(...reasons.map((r) => h('li', {}, r.text,
            r.conditions.length > 0 && h('ul', {}, r.conditions.map((c) => h('li', {}, `because ${c}`))))));
        });
    });

  const active = commitments.filter((c) => c.status === 'active');
  setText($('commitments-note'), loading ? '' : active.length === 0 ? 'No active commitments.' : '');
  syncList($('commitments'), active, (c) => c.id,
    (c) => h('li', { 'data-commitment': c.id },
      h('span', {}, `#${c.id} ${c.creator.username}: ${c.summary}`),
      c.creator.id === state.me.id
        && h('button', { type: 'button', class: 'link danger', 'data-revoke': c.id,
          'aria-label': `Revoke commitment #${c.id}` }, 'Revoke')));
}
