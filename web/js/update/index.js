// update/index.js — how each event changes the state, and which effects it asks for.
// Pure: no DOM, no network, no storage; effects.js carries the effects out and their
// results come back as events. The same shape as the terminal chat's update (events in,
// state out, effects apart). HTTP results are handled in results.js, what both share in
// groups.js.

import { PAGE, activeConv, insertMessage } from '../state.js';
import {
  endSession, groupsRequest, joinFrame, markerEffect, notify, refreshPane, removeGroup, selectGroup,
} from './groups.js';
import { onApi } from './results.js';

// Longest message, in characters (the server refuses longer ones).
const CONTENT_MAX = 5000;
// Seconds a send may wait for its ack on an open connection before it shows as failed.
const ACK_WITHIN = 15;
// Seconds between reloads of the group list.
const REFRESH_EVERY = 30;

export function update(state, event) {
  switch (event.type) {
    case 'boot':
      return [{ type: 'api', name: 'me', args: [] }];
    case 'api':
      return onApi(state, event);
    case 'conn':
      return onConn(state, event);
    case 'frame':
      return onFrame(state, event.frame);
    case 'tick':
      return onTick(state);
    case 'session-ended':
      return endSession(state, 'Your login has ended; please log in again.');
    case 'auth-mode':
      state.auth = { mode: event.mode, busy: false, error: '' };
      return [];
    case 'auth-submit':
      state.auth.busy = true;
      state.auth.error = '';
      return [{ type: 'api', name: state.auth.mode, args: [event.username, event.password] }];
    case 'logout':
      return [...endSession(state, ''), { type: 'api', name: 'logout', args: [] }];
    case 'retry-connection':
      return [{ type: 'ws', op: 'retry' }];
    case 'select-group':
      return selectGroup(state, event.id);
    case 'step-group':
      return stepGroup(state, event.delta);
    case 'drawer':
      state.drawer = state.drawer === event.which ? null : event.which;
      return [];
    case 'send':
      return send(state, event.text);
    case 'retry':
      return retry(state, event.clientId);
    case 'discard':
      for (const conv of state.convs.values()) {
        conv.pending = conv.pending.filter((p) => p.client_id !== event.clientId);
      }
      return [];
    case 'reply': {
      const message = activeConv(state)?.messages.find((m) => m.id === event.id);
      state.replyTo = message ? { id: message.id, content: message.content } : null;
      return [{ type: 'focus', id: 'input' }];
    }
    case 'escape':
      state.replyTo = null;
      state.confirmLeave = false;
      state.drawer = null;
      return [];
    case 'send-to':
      state.sendTo = event.username;
      return [];
    case 'create-group':
      return [{ type: 'api', name: 'createGroup', args: [event.name] }];
    case 'add-member':
      return state.active
        ? [{ type: 'api', name: 'addMember', args: [state.active, event.username] }]
        : [];
    case 'leave-ask':
      state.confirmLeave = true;
      return [];
    case 'leave-cancel':
      state.confirmLeave = false;
      return [];
    case 'leave-confirm':
      return leave(state);
    case 'load-older':
      return loadOlder(state);
    case 'revoke':
      return [{ type: 'api', name: 'revoke', args: [event.id] }];
    default:
      return [];
  }
}

function onConn(state, event) {
  const wasConnected = state.conn.state === 'connected';
  state.conn = { state: event.state, reason: event.reason, inSecs: event.inSecs };
  const effects = [];
  if (event.state === 'connected' && !wasConnected) {
    for (const [id, conv] of state.convs) {
      conv.joined = false;
      effects.push(joinFrame(id, conv));
      for (const p of conv.pending) {
        if (p.status === 'sending') {
          p.age = 0;
          effects.push(sendFrame(id, p));
        }
      }
    }
    // Membership may have changed while the page was away.
    if (state.everConnected) effects.push(groupsRequest(state));
    state.everConnected = true;
  }
  // A refused connection may be a login that ended: ask the server who we are.
  if (event.failedToOpen) effects.push({ type: 'api', name: 'me', args: [], check: true });
  return effects;
}

function sendFrame(group, pending) {
  const frame = { type: 'send', group, content: pending.content, client_id: pending.client_id };
  if (pending.to) frame.to = pending.to;
  if (pending.reply_to) frame.reply_to = pending.reply_to;
  return { type: 'ws-send', frame };
}

function onFrame(state, frame) {
  switch (frame.type) {
    case 'new-message':
      return onMessage(state, frame.message);
    case 'ack':
      for (const conv of state.convs.values()) {
        conv.pending = conv.pending.filter((p) => p.client_id !== frame.client_id);
      }
      return [];
    case 'joined': {
      const conv = state.convs.get(frame.group);
      if (conv) conv.joined = true;
      return [];
    }
    case 'left':
      return removeGroup(state, frame.group, true);
    case 'error':
      return onError(state, frame);
    default:
      return [];
  }
}

function onError(state, frame) {
  for (const conv of state.convs.values()) {
    const pending = conv.pending.find((p) => p.client_id === frame.ref);
    if (pending) {
      pending.status = 'failed';
      pending.error = frame.message;
      return [];
    }
  }
  if (frame.ref === 'join' && (frame.code === 'forbidden' || frame.code === 'not_found')) {
    // A group we are no longer in: the list from the server says which.
    return [groupsRequest(state)];
  }
  notify(state, `server: ${frame.message}`, true);
  return [];
}

// A message arrived, live or replayed (the server sends each seq once per join).
function onMessage(state, message) {
  const conv = state.convs.get(message.group);
  if (!conv) return [];
  const me = state.me && state.me.id;
  if (message.client_id && message.author && message.author.id === me) {
    conv.pending = conv.pending.filter((p) => p.client_id !== message.client_id);
  }
  if (!insertMessage(conv, message)) return [];
  const effects = [];
  if (message.seq > conv.readUpto) {
    if (state.active === message.group) {
      conv.readUpto = message.seq;
      effects.push(markerEffect(state, message.group, conv));
    } else if (!(message.author && message.author.id === me)) {
      conv.unread += 1;
    }
  }
  if (message.kind === 'commitment' || message.kind === 'liability') {
    conv.paneStale = true;
    if (state.active === message.group) effects.push(...refreshPane(state));
  }
  return effects;
}

function onTick(state) {
  if (state.notice && --state.notice.ttl <= 0) state.notice = null;
  state.ticks += 1;
  if (state.conn.state === 'reconnecting' && state.conn.inSecs > 1) state.conn.inSecs -= 1;
  if (state.conn.state === 'connected') {
    for (const conv of state.convs.values()) {
      for (const p of conv.pending) {
        if (p.status === 'sending' && ++p.age > ACK_WITHIN) {
          p.status = 'failed';
          p.error = 'no answer from the server';
        }
      }
    }
    // Notice groups others added us to (and removals missed while away).
    if (state.ticks % REFRESH_EVERY === 0) return [groupsRequest(state)];
  }
  return [];
}

function stepGroup(state, delta) {
  const ids = state.groups.map((g) => g.id);
  if (ids.length === 0) return [];
  const at = ids.indexOf(state.active);
  const next = ids[(at + delta + ids.length) % ids.length];
  return selectGroup(state, next);
}

function send(state, text) {
  const conv = activeConv(state);
  if (!conv) {
    notify(state, 'create or choose a group first', true);
    return [];
  }
  if (text.trim() === '') return [];
  const length = [...text].length;
  if (length > CONTENT_MAX) {
    notify(state, `the message has ${length} characters; at most ${CONTENT_MAX} are allowed`, true);
    return [];
  }
  state.sent += 1;
  const pending = {
    client_id: `web-${state.session}-${state.sent}`,
    content: text,
    to: state.sendTo || null,
    reply_to: state.replyTo ? state.replyTo.id : null,
    status: 'sending',
    error: '',
    age: 0,
    tries: 1,
  };
  conv.pending.push(pending);
  state.replyTo = null;
  const effects = [{ type: 'clear', id: 'input' }];
  if (state.conn.state === 'connected') effects.push(sendFrame(state.active, pending));
  return effects;
}

// Sends a failed message again with the same client_id: if the first try was stored
// after all, the server answers with that message instead of storing a second.
function retry(state, clientId) {
  for (const [group, conv] of state.convs) {
    const pending = conv.pending.find((p) => p.client_id === clientId);
    if (pending) {
      pending.status = 'sending';
      pending.error = '';
      pending.age = 0;
      pending.tries += 1;
      return state.conn.state === 'connected' ? [sendFrame(group, pending)] : [];
    }
  }
  return [];
}

function leave(state) {
  state.confirmLeave = false;
  if (!state.active) return [];
  state.leaving.add(state.active);
  return [{ type: 'api', name: 'leave', args: [state.active, state.me.id] }];
}

function loadOlder(state) {
  const conv = activeConv(state);
  if (!conv || !conv.hasOlder || conv.loadingOlder) return [];
  conv.loadingOlder = true;
  const before = conv.messages.length > 0 ? conv.messages[0].seq : conv.since + 1;
  return [{ type: 'api', name: 'older', args: [state.active, before, PAGE] }];
}

