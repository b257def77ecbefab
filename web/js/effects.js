// effects.js — the one place that does what update/ asks: HTTP requests (their results
// come back as {type:'api'} events), the socket, read markers in localStorage, and the
// few things done to the page's inputs (focus, clear).

import { api } from './api.js';

export class Executor {
  constructor(dispatch, connection, userOf) {
    this.dispatch = dispatch;
    this.connection = connection;
    this.userOf = userOf; // the logged-in user's id, whose read markers are read
  }

  run(effects) {
    for (const effect of effects) this.runOne(effect);
  }

  runOne(effect) {
    switch (effect.type) {
      case 'api':
        this.request(effect);
        break;
      case 'ws':
        if (effect.op === 'open') this.connection.open();
        else if (effect.op === 'close') this.connection.close();
        else if (effect.op === 'retry') this.connection.retryNow();
        break;
      case 'ws-send':
        // When not connected, update/ sends again after the reconnect.
        this.connection.send(effect.frame);
        break;
      case 'marker':
        writeMarker(effect.user, effect.group, effect.seq);
        break;
      case 'focus':
        document.getElementById(effect.id)?.focus();
        break;
      case 'clear': {
        const input = document.getElementById(effect.id);
        if (input) input.value = '';
        break;
      }
      default:
        break;
    }
  }

  request(effect) {
    const { name, args } = effect;
    api[name](...args).then(
      (data) => {
        const event = { ...effect, ok: true, data };
        if (name === 'groups') event.markers = readMarkers(this.userOf(), data);
        this.dispatch(event);
      },
      (error) => this.dispatch({ ...effect, ok: false, error }),
    );
  }
}

const markerKey = (user, group) => `quid.read.${user}.${group}`;

function writeMarker(user, group, seq) {
  try {
    localStorage.setItem(markerKey(user, group), String(seq));
  } catch {
    // storage full or disabled: the markers live only as long as the page
  }
}

function readMarkers(user, groups) {
  const markers = {};
  for (const group of groups) {
    try {
      const value = localStorage.getItem(markerKey(user, group.id));
      if (value !== null) markers[group.id] = Number(value);
    } catch {
      // as above
    }
  }
  return markers;
}
