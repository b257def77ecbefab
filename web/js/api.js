// api.js — the HTTP API the page uses, one function per endpoint (see docs/protocol.md).
// The `token` cookie authenticates every call; a failure is thrown as an ApiError carrying
// the server's {code, message}, or code "network" when the server cannot be reached.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = data && data.error;
    throw new ApiError(
      response.status,
      (error && error.code) || 'http',
      (error && error.message) || `the server answered ${response.status}`,
    );
  }
  return data;
}

const id = (value) => encodeURIComponent(String(value));

export const api = {
  me: () => call('GET', '/api/me'),
  login: (username, password) => call('POST', '/api/auth/login', { username, password }),
  register: (username, password) => call('POST', '/api/auth/register', { username, password }),
  logout: () => call('POST', '/api/auth/logout'),
  groups: () => call('GET', '/api/groups').then((r) => r.groups),
  createGroup: (name) => call('POST', '/api/groups', { name }),
  addMember: (group, username) => call('POST', `/api/groups/${id(group)}/members`, { username }),
  leave: (group, user) => call('DELETE', `/api/groups/${id(group)}/members/${id(user)}`),
  older: (group, before, limit) =>
    call('GET', `/api/groups/${id(group)}/messages?before=${id(before)}&limit=${id(limit)}`),
  commitments: (group) =>
    call('GET', `/api/groups/${id(group)}/commitments`).then((r) => r.commitments),
  liabilities: (group) =>
    call('GET', `/api/groups/${id(group)}/liabilities`).then((r) => r.liabilities),
  revoke: (commitment) => call('DELETE', `/api/commitments/${id(commitment)}`),
};
