// view/conversation.js — the group on screen: its header (members, leave), the messages
// (private ones marked, questions with a reply button, paging upwards), the messages
// still being sent, and the composer (Enter sends, Shift+Enter makes a new line).

import { activeConv, activeGroup } from '../state.js';
import { h, setText, show, syncList, timeOf } from '../dom.js';

const $ = (id) => document.getElementById(id);

// Pixels from the top of the list at which older messages are fetched.
const NEAR_TOP = 60;

let shownGroup = null; // the group whose messages the list holds
let scrolledByUs = false; // the next scroll event is the render's own, not the reader's

export function bindConversation(dispatch) {
  const input = $('input');
  const sendTyped = () => dispatch({ type: 'send', text: input.value });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendTyped();
    }
  });
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    sendTyped();
  });
  $('send-to').addEventListener('change', (event) => {
    dispatch({ type: 'send-to', username: event.target.value });
  });
  $('reply-cancel').addEventListener('click', () => dispatch({ type: 'escape' }));
  $('older').addEventListener('click', () => dispatch({ type: 'load-older' }));
  $('messages-scroll').addEventListener('scroll', (event) => {
    if (scrolledByUs) {
      scrolledByUs = false;
      return;
    }
    if (event.target.scrollTop < NEAR_TOP) dispatch({ type: 'load-older' });
  });
  $('leave-box').addEventListener('click', (event) => {
    const action = event.target.dataset && event.target.dataset.action;
    if (action) dispatch({ type: action });
  });
  const onAction = (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const { action, id } = button.dataset;
    dispatch(action === 'reply' ? { type: 'reply', id: Number(id) } : { type: action, clientId: id });
  };
  $('messages').addEventListener('click', onAction);
  $('pending').addEventListener('click', onAction);
}

export function renderConversation(state) {
  const group = activeGroup(state);
  const conv = activeConv(state);
  show($('conversation'), Boolean(group));
  if (!group || !conv) {
    shownGroup = null;
    return;
  }
  renderHead(state, group);
  const scroller = $('messages-scroll');
  const switched = shownGroup !== group.id;
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const oldHeight = scroller.scrollHeight;
  const oldFirst = $('messages').firstChild;

  const me = state.me.id;
  const members = group.members;
  syncList($('messages'), conv.messages, (m) => `${m.group}:${m.seq}:${m.rev || 0}`, (m) => messageEl(m, me, members, conv),
    (el, m) => el.classList.toggle('first-new', conv.marker !== null && isFirstNew(conv, m)));
  syncList($('pending'), conv.pending, (p) => p.client_id, (p) => pendingEl(p), updatePending);
  show($('older'), conv.hasOlder);
  $('older').disabled = conv.loadingOlder;
  setText($('older'), conv.loadingOlder ? 'Loading…' : 'Load older messages');
  const empty = conv.messages.length === 0 && conv.pending.length === 0 && !conv.hasOlder;
  show($('empty'), empty);
  setText($('empty'), empty ? `No messages in ${group.name} yet. Say hello!` : '');
  renderComposer(state, group);

  const before = scroller.scrollTop;
  if (switched || atBottom) {
    scroller.scrollTop = scroller.scrollHeight;
  } else if ($('messages').firstChild !== oldFirst) {
    // Older messages went in above: keep what the reader was looking at in place.
    scroller.scrollTop += scroller.scrollHeight - oldHeight;
  }
  if (scroller.scrollTop !== before) {
    // its scroll event comes with the next frame, before that frame's callbacks
    scrolledByUs = true;
    requestAnimationFrame(() => requestAnimationFrame(() => { scrolledByUs = false; }));
  }
  shownGroup = group.id;
}

function renderHead(state, group) {
  setText($('conv-name'), group.name);
  const names = group.members.map((m) => m.username).join(', ');
  setText($('conv-members'), `${group.members.length} member${group.members.length === 1 ? '' : 's'}: ${names}`);
  const box = $('leave-box');
  const key = state.confirmLeave ? 'confirm' : 'ask';
  if (box.dataset.mode !== key) {
    box.dataset.mode = key;
    box.replaceChildren(...(state.confirmLeave
      ? [h('span', {}, 'Leave this group?'), ' ',
        h('button', { type: 'button', 'data-action': 'leave-confirm', class: 'danger' }, 'Leave'), ' ',
        h('button', { type: 'button', 'data-action': 'leave-cancel' }, 'Cancel')]
      : [h('button', { type: 'button', 'data-action': 'leave-ask' }, 'Leave group')]));
  }
}

function renderComposer(state, group) {
  const select = $('send-to');
  const others = group.members.filter((m) => m.id !== state.me.id);
  const options = [{ username: '', label: 'everyone' },
    ...others.map((m) => ({ username: m.username, label: `only ${m.username}` }))];
  syncList(select, options, (o) => o.username,
    (o) => h('option', { value: o.username }, o.label));
  if (select.value !== state.sendTo) select.value = state.sendTo;
  select.classList.toggle('private', state.sendTo !== '');
  show($('replying'), Boolean(state.replyTo));
  setText($('replying-text'), state.replyTo ? `Answering: ${excerpt(state.replyTo.content)}` : '');
  $('input').placeholder = state.sendTo
    ? `Private message to ${state.sendTo} (Enter sends)`
    : `Message ${group.name} (Enter sends, Shift+Enter new line)`;
}

function isFirstNew(conv, message) {
  const first = conv.messages.find((m) => m.seq > conv.marker);
  return first === message;
}

function messageEl(message, me, members, conv) {
  const system = !message.author;
  const mine = !system && message.author.id === me;
  const classes = ['msg', `kind-${message.kind}`];
  if (system) classes.push('system');
  if (mine) classes.push('mine');
  if (message.private) classes.push('private');
  const visibility = privacyNote(message, me, members);
  const answering = message.reply_to
    ? conv.messages.find((m) => m.id === message.reply_to) : null;
  return h('li', { class: classes.join(' '), 'data-seq': message.seq, 'data-id': message.id },
    h('div', { class: 'meta' },
      h('span', { class: 'author' }, system ? 'Quid' : message.author.username),
      ' ',
      h('time', { datetime: message.created_at, title: message.created_at }, timeOf(message.created_at)),
      visibility && h('span', { class: 'private-note' }, visibility)),
    answering && h('div', { class: 'answers' }, `↪ ${excerpt(answering.content)}`),
    message.meta?.deleted
      ? h('div', { class: 'body deleted' }, 'message deleted')
      : h('div', { class: 'body' }, message.content, message.meta?.edited_at && h('span', { class: 'edited' }, ' (edited)')),
    (message.meta?.reactions || []).length > 0 && h('div', { class: 'reactions' },
      message.meta.reactions.map(([emoji, users]) => `${emoji} ${users.length}`).join('  ')),
    message.kind === 'clarification_request' && message.target === me
      && h('button', { type: 'button', class: 'link', 'data-action': 'reply', 'data-id': message.id }, 'Reply'));
}

// Who can see a private message, in words for the one looking at it.
function privacyNote(message, me, members) {
  if (!message.private) return '';
  const nameOf = (id) => members.find((m) => m.id === id)?.username ?? 'a former member';
  const author = message.author && message.author.id;
  const other = author === me ? message.target : author;
  if (!other || other === me) return 'only you can see this';
  return `private: only you and ${nameOf(other)} can see this`;
}

function pendingEl(pending) {
  return h('li', { class: 'msg mine pending-msg', 'data-client': pending.client_id },
    h('div', { class: 'meta' },
      h('span', { class: 'author' }, 'you'),
      pending.to && h('span', { class: 'private-note' }, `private: only you and ${pending.to} can see this`),
      h('span', { class: 'status' })),
    h('div', { class: 'body' }, pending.content),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'link', 'data-action': 'retry', 'data-id': pending.client_id }, 'Retry'),
      h('button', { type: 'button', class: 'link', 'data-action': 'discard', 'data-id': pending.client_id }, 'Discard')));
}

function updatePending(el, pending) {
  const failed = pending.status === 'failed';
  el.classList.toggle('failed', failed);
  const tries = pending.tries > 1 ? ` after ${pending.tries} tries` : '';
  setText(el.querySelector('.status'), failed ? `failed${tries}: ${pending.error}` : 'sending…');
  show(el.querySelector('.actions'), failed);
}

function excerpt(text) {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
