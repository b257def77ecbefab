// state.js — everything the page knows, as one plain object that only update.js changes,
// and the per-group conversation with its ordered, duplicate-free message list.

// Messages asked for when a group is first joined, and per page of older history.
export const PAGE = 50;

export function initialState() {
  return {
    screen: 'loading', // 'loading' | 'auth' | 'chat'
    me: null, // {id, username}
    auth: { mode: 'login', busy: false, error: '' },
    conn: { state: 'offline', reason: '', inSecs: 0 },
    everConnected: false,
    groups: [], // as the server lists them, oldest first
    convs: new Map(), // group id -> conversation
    active: null, // group id on screen
    drawer: null, // narrow screens: null | 'groups' | 'pane'
    confirmLeave: false,
    replyTo: null, // the message the composer answers: {id, content}
    sendTo: '', // '' = everyone, else a member's username (private message)
    notice: null, // {text, error, ttl}
    session: randomId(),
    sent: 0, // messages sent by this page: the counter in each client_id
    ticks: 0, // seconds since the page opened
    groupsAsked: 0, // group-list requests made: only the latest answer is taken
    leaving: new Set(), // groups this page asked to leave
  };
}

// A group's conversation; `readUpto` is the read marker kept in the browser.
export function conversation(group, readUpto) {
  return {
    messages: [], // ascending seq, no duplicates
    seqs: new Set(),
    since: Math.max(0, group.head - PAGE), // what the first join replays from
    lastSeq: null, // highest seq received
    hasOlder: group.head > PAGE,
    loadingOlder: false,
    readUpto: Number.isFinite(readUpto) ? readUpto : 0,
    unread: 0,
    marker: null, // seq after which "new" starts, while the group is on screen
    pending: [], // {client_id, content, to, reply_to, status: 'sending'|'failed', error, age, tries}
    commitments: null,
    liabilities: null,
    paneError: '',
    paneStale: true,
    paneLoading: 0, // requests in flight
  };
}

// Kinds that change an earlier message (meta.of) instead of being a line of their own.
const CHANGES = new Set(['edit', 'delete', 'reaction']);

// Applies an edit, delete or reaction to the message it names, as the server did.
function applyChange(conv, change) {
  const target = conv.messages.find((m) => m.seq === change.meta?.of);
  if (!target) return;
  const meta = { ...(target.meta || {}) };
  if (change.kind === 'edit') {
    target.content = change.content;
    meta.edited_at = change.meta.edited_at || true;
  } else if (change.kind === 'delete') {
    target.content = '';
    meta.deleted = true;
  } else if (change.kind === 'reaction' && change.author) {
    const who = change.author.username;
    const reactions = (meta.reactions || []).map(([e, users]) => [e, users.filter((u) => u !== who)]);
    if (change.meta.on !== false) {
      const found = reactions.find(([e]) => e === change.content);
      if (found) found[1].push(who);
      else reactions.push([change.content, [who]]);
    }
    meta.reactions = reactions.filter(([, users]) => users.length > 0);
  }
  target.meta = meta;
  // a changed message is drawn anew (its element is keyed by seq and revision)
  target.rev = (target.rev || 0) + 1;
}

// Inserts a message in seq order; false when it was already there, or when it is a
// change of an earlier message (applied to it instead).
export function insertMessage(conv, message) {
  if (conv.seqs.has(message.seq)) return false;
  conv.seqs.add(message.seq);
  if (CHANGES.has(message.kind)) {
    applyChange(conv, message);
    if (conv.lastSeq === null || message.seq > conv.lastSeq) conv.lastSeq = message.seq;
    return false;
  }
  const list = conv.messages;
  let i = list.length;
  while (i > 0 && list[i - 1].seq > message.seq) i -= 1;
  list.splice(i, 0, message);
  if (conv.lastSeq === null || message.seq > conv.lastSeq) conv.lastSeq = message.seq;
  return true;
}

export function activeConv(state) {
  return state.active ? state.convs.get(state.active) : undefined;
}

export function activeGroup(state) {
  return state.groups.find((g) => g.id === state.active);
}

// Where replay starts for a join: after the last message received, or the first page.
export function sinceOf(conv) {
  return conv.lastSeq ?? conv.since;
}

function randomId() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
