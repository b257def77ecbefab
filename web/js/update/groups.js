// update/groups.js — the parts of the update that the socket's events and the HTTP
// results share: the session starting and ending, the group list, which group is on
// screen (read markers, the side panel), and notices. Pure, like the rest of update/.

import {
  activeConv, conversation, initialState, sinceOf,
} from '../state.js';

// Back to the login form, forgetting everything of the session.
export function endSession(state, error) {
  Object.assign(state, initialState(), {
    screen: 'auth',
    auth: { mode: 'login', busy: false, error },
  });
  return [{ type: 'ws', op: 'close' }];
}

// Logged in (at start, or after the form): load groups and open the socket.
export function signedIn(state, user) {
  state.me = { id: user.id, username: user.username };
  state.screen = 'chat';
  state.auth = { mode: 'login', busy: false, error: '' };
  return [groupsRequest(state), { type: 'ws', op: 'open' }];
}

// Asks for the group list. Only the answer to the latest request counts, and a change
// made here (a group created) makes the answers still on their way stale.
export function groupsRequest(state) {
  state.groupsAsked += 1;
  return { type: 'api', name: 'groups', args: [], asked: state.groupsAsked };
}

export function joinFrame(group, conv) {
  return { type: 'ws-send', frame: { type: 'join', group, since: sinceOf(conv) } };
}

export function markerEffect(state, group, conv) {
  return { type: 'marker', user: state.me.id, group, seq: conv.readUpto };
}

// Reloads the side panel of the group on screen, one load at a time: a change during a
// load marks it stale again and another load follows.
export function refreshPane(state) {
  const conv = activeConv(state);
  if (!conv || !conv.paneStale || conv.paneLoading > 0) return [];
  conv.paneStale = false;
  conv.paneLoading = 2;
  return [
    { type: 'api', name: 'commitments', args: [state.active] },
    { type: 'api', name: 'liabilities', args: [state.active] },
  ];
}

export function selectGroup(state, id) {
  if (!state.convs.has(id)) return [];
  state.drawer = null;
  if (state.active === id) return [{ type: 'focus', id: 'input' }];
  const effects = [];
  const old = activeConv(state);
  if (old) {
    old.readUpto = Math.max(old.readUpto, old.lastSeq ?? 0);
    old.marker = null;
    effects.push(markerEffect(state, state.active, old));
  }
  state.active = id;
  state.replyTo = null;
  state.sendTo = '';
  state.confirmLeave = false;
  const conv = state.convs.get(id);
  conv.marker = conv.unread > 0 ? conv.readUpto : null;
  conv.unread = 0;
  conv.readUpto = Math.max(conv.readUpto, conv.lastSeq ?? 0);
  effects.push(markerEffect(state, id, conv), ...refreshPane(state));
  return effects;
}

// Takes the server's group list: new groups are added (and joined), groups gone are
// dropped, the rest updated.
export function mergeGroups(state, groups, markers) {
  const effects = [];
  const listed = new Set(groups.map((g) => g.id));
  for (const id of [...state.convs.keys()]) {
    if (!listed.has(id)) effects.push(...removeGroup(state, id));
  }
  for (const group of groups) {
    if (!state.convs.has(group.id)) {
      const conv = conversation(group, markers[group.id]);
      state.convs.set(group.id, conv);
      if (state.conn.state === 'connected') effects.push(joinFrame(group.id, conv));
    }
  }
  state.groups = groups;
  if (!state.active && groups.length > 0) effects.push(...selectGroup(state, groups[0].id));
  return effects;
}

// Drops a group we are no longer in and says why; opens another if it was on screen.
// After a `left` from the server the connection has forgotten the group already.
export function removeGroup(state, id, left = false) {
  const group = state.groups.find((g) => g.id === id);
  if (!state.convs.delete(id)) return [];
  state.groups = state.groups.filter((g) => g.id !== id);
  const name = group ? group.name : 'a group';
  if (state.leaving.delete(id)) notify(state, `you left ${name}`, false);
  else notify(state, `you are no longer a member of ${name}`, true);
  const effects = left ? [] : [{ type: 'ws-send', frame: { type: 'leave', group: id } }];
  if (state.active === id) {
    state.active = null;
    if (state.groups.length > 0) effects.push(...selectGroup(state, state.groups[0].id));
  }
  return effects;
}

export function notify(state, text, error) {
  state.notice = { text, error, ttl: error ? 8 : 4 };
}

