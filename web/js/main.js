// main.js — the page's loop: every event goes through update/ (state changes, effects
// returned), effects.js carries the effects out, and the view draws the state — at most
// once per frame, however many events came in.

import { Executor } from './effects.js';
import { Connection } from './socket.js';
import { initialState } from './state.js';
import { update } from './update/index.js';
import { bindView, render } from './view/index.js';

const state = initialState();
let drawing = false;

function dispatch(event) {
  const effects = update(state, event);
  executor.run(effects);
  if (!drawing) {
    drawing = true;
    // Hidden tabs get no animation frames: the timer draws there (the title's count).
    requestAnimationFrame(draw);
    setTimeout(draw, 250);
  }
}

function draw() {
  if (!drawing) return;
  drawing = false;
  render(state);
}

const connection = new Connection(dispatch);
const executor = new Executor(dispatch, connection, () => state.me && state.me.id);

bindView(dispatch);
setInterval(() => dispatch({ type: 'tick' }), 1000);
dispatch({ type: 'boot' });
