// view/index.js — the page from the state: which screen shows, the top bar (who is
// logged in, the connection state, always visible), notices, the narrow-screen drawers,
// the keyboard shortcuts; the parts are drawn by the other view modules.

import { setText, show } from '../dom.js';
import { bindAuth, renderAuth } from './auth.js';
import { bindConversation, renderConversation } from './conversation.js';
import { bindGroups, renderGroups, totalUnread } from './groups.js';
import { bindPane, renderPane } from './pane.js';

const $ = (id) => document.getElementById(id);

export function bindView(dispatch) {
  bindAuth(dispatch);
  bindGroups(dispatch);
  bindConversation(dispatch);
  bindPane(dispatch);
  $('logout').addEventListener('click', () => dispatch({ type: 'logout' }));
  $('reconnect').addEventListener('click', () => dispatch({ type: 'retry-connection' }));
  $('toggle-groups').addEventListener('click', () => dispatch({ type: 'drawer', which: 'groups' }));
  $('toggle-pane').addEventListener('click', () => dispatch({ type: 'drawer', which: 'pane' }));
  document.addEventListener('keydown', (event) => {
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      dispatch({ type: 'step-group', delta: event.key === 'ArrowUp' ? -1 : 1 });
    } else if (event.key === 'Escape') {
      dispatch({ type: 'escape' });
    }
  });
  window.addEventListener('online', () => dispatch({ type: 'retry-connection' }));
}

export function render(state) {
  const chat = state.screen === 'chat';
  document.body.dataset.screen = state.screen;
  show($('chat'), chat);
  for (const id of ['toggle-groups', 'toggle-pane', 'logout']) show($(id), chat);
  setText($('whoami'), state.me ? state.me.username : '');
  renderConnection(state);
  renderAuth(state);
  renderNotice(state);
  const unread = totalUnread(state);
  const title = unread > 0 ? `(${unread}) Quid` : 'Quid';
  if (document.title !== title) document.title = title;
  if (!chat) return;
  $('chat').dataset.drawer = state.drawer || '';
  $('toggle-groups').setAttribute('aria-expanded', String(state.drawer === 'groups'));
  $('toggle-pane').setAttribute('aria-expanded', String(state.drawer === 'pane'));
  setText($('toggle-groups'), unread > 0 ? `Groups (${unread})` : 'Groups');
  renderGroups(state);
  renderConversation(state);
  renderPane(state);
}

function renderConnection(state) {
  const { state: conn, reason, inSecs } = state.conn;
  const el = $('conn');
  el.dataset.state = state.screen === 'chat' ? conn : 'none';
  let text = '';
  if (state.screen === 'chat') {
    if (conn === 'connected') text = 'connected';
    else if (conn === 'connecting') text = 'connecting…';
    else if (conn === 'reconnecting') text = `reconnecting in ${inSecs}s (${reason})`;
    else text = `offline${reason ? ` (${reason})` : ''}`;
  }
  setText(el, text);
  show($('reconnect'), state.screen === 'chat' && conn === 'reconnecting');
}

function renderNotice(state) {
  const el = $('notice');
  show(el, Boolean(state.notice));
  if (!state.notice) return;
  setText(el, state.notice.text);
  el.classList.toggle('error', state.notice.error);
}
