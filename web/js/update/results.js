// update/results.js — how the result of each HTTP request changes the state. Pure, like
// the rest of update/.

import { activeConv, insertMessage } from '../state.js';
import {
  endSession, mergeGroups, notify, refreshPane, removeGroup, selectGroup, signedIn,
} from './groups.js';

export function onApi(state, event) {
  const { name, ok, data, error } = event;
  if (!ok && error.status === 401 && name !== 'login' && name !== 'logout') {
    // The token is gone or expired: whatever was asked, log in again.
    return state.screen === 'chat' || name !== 'me'
      ? endSession(state, 'Your login has ended; please log in again.')
      : toLogin(state, '');
  }
  switch (name) {
    case 'me':
      if (event.check) return [];
      return ok ? signedIn(state, data) : toLogin(state, error.message);
    case 'login':
    case 'register':
      if (!ok) {
        state.auth.busy = false;
        state.auth.error = error.message;
        return [];
      }
      return signedIn(state, data.user);
    case 'logout':
      return [];
    case 'groups':
      if (event.asked !== state.groupsAsked) return [];
      if (!ok) return failed(state, 'cannot load the groups', error);
      return mergeGroups(state, data, event.markers || {});
    case 'createGroup': {
      if (!ok) return failed(state, 'cannot create the group', error);
      state.groupsAsked += 1; // a list asked for before this would lack the new group
      const effects = mergeGroups(state, [...state.groups, data], {});
      notify(state, `created ${data.name}`, false);
      return [...effects, ...selectGroup(state, data.id)];
    }
    case 'addMember': {
      const [, username] = event.args;
      if (!ok) return failed(state, `cannot add ${username}`, error);
      state.groups = state.groups.map((g) => (g.id === data.id ? data : g));
      notify(state, `added ${username} to ${data.name}`, false);
      return [{ type: 'clear', id: 'add-name' }];
    }
    case 'leave': {
      const [group] = event.args;
      if (!ok) {
        state.leaving.delete(group);
        return failed(state, 'cannot leave the group', error);
      }
      return removeGroup(state, group);
    }
    case 'older':
      return older(state, event);
    case 'commitments':
    case 'liabilities':
      return pane(state, event);
    case 'revoke':
      if (!ok) return failed(state, 'cannot revoke', error);
      notify(state, `revoked commitment #${data.id}`, false);
      return [];
    default:
      return [];
  }
}

function toLogin(state, message) {
  state.screen = 'auth';
  state.auth = { mode: 'login', busy: false, error: message };
  return [];
}

function failed(state, what, error) {
  notify(state, `${what}: ${error.message}`, true);
  return [];
}

function older(state, event) {
  const [group] = event.args;
  const conv = state.convs.get(group);
  if (!conv) return [];
  conv.loadingOlder = false;
  if (!event.ok) return failed(state, 'cannot load older messages', event.error);
  for (const message of event.data.messages) insertMessage(conv, message);
  conv.hasOlder = event.data.has_more;
  return [];
}

function pane(state, event) {
  const [group] = event.args;
  const conv = state.convs.get(group);
  if (!conv) return [];
  conv.paneLoading = Math.max(0, conv.paneLoading - 1);
  if (event.ok) {
    conv[event.name] = event.data;
    conv.paneError = '';
  } else {
    conv.paneError = event.error.message;
  }
  if (conv.paneLoading === 0 && conv === activeConv(state)) return refreshPane(state);
  return [];
}
