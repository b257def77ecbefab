// view/auth.js — the login / registration form: reads what is typed into events, shows
// the mode, the busy state and the server's error.

import { setText, show } from '../dom.js';

const $ = (id) => document.getElementById(id);

export function bindAuth(dispatch) {
  $('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    dispatch({
      type: 'auth-submit',
      username: $('auth-username').value.trim(),
      password: $('auth-password').value,
    });
  });
  $('auth-switch').addEventListener('click', () => {
    const registering = $('auth-submit').dataset.mode === 'register';
    dispatch({ type: 'auth-mode', mode: registering ? 'login' : 'register' });
  });
}

export function renderAuth(state) {
  show($('auth'), state.screen === 'auth');
  if (state.screen !== 'auth') {
    $('auth-password').value = '';
    return;
  }
  const { mode, busy, error } = state.auth;
  const registering = mode === 'register';
  const submit = $('auth-submit');
  submit.dataset.mode = mode;
  submit.disabled = busy;
  setText(submit, busy ? 'Please wait…' : registering ? 'Register' : 'Log in');
  setText($('auth-heading'), registering ? 'Create an account' : 'Log in');
  setText($('auth-switch'), registering ? 'Have an account? Log in' : 'No account yet? Register');
  $('auth-password').setAttribute('autocomplete', registering ? 'new-password' : 'current-password');
  setText($('auth-error'), error);
}
