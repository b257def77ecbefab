// socket.js — the WebSocket connection manager: opens /ws (the cookie authenticates it),
// reconnects with a growing delay when the connection is lost, checks that the server
// still answers, and reports everything as events: {type:'conn', state, reason, inSecs}
// and {type:'frame', frame}. What to join and resend after a reconnect is decided by
// update.js, not here.

const PING_EVERY_MS = 25000;
const PONG_WITHIN_MS = 10000;
const MAX_DELAY_MS = 10000;

export class Connection {
  constructor(dispatch) {
    this.dispatch = dispatch;
    this.socket = null;
    this.wanted = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
  }

  // Starts connecting (again), unless already connected or connecting.
  open() {
    this.wanted = true;
    if (this.socket) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  // Closes for good (logout): no reconnect.
  close() {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.stopPings();
    if (this.socket) {
      const socket = this.socket;
      this.socket = null;
      socket.close(1000, 'logout');
    }
    this.report('offline', 'logged out', 0);
  }

  // Reconnects now if a reconnect is waiting (the user asked, or the network came back).
  retryNow() {
    if (this.wanted && !this.socket) {
      clearTimeout(this.retryTimer);
      this.connect();
    }
  }

  // Sends a frame if connected; returns whether it was written.
  send(frame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/ws`);
    this.socket = socket;
    let opened = false;
    this.report('connecting', '', 0);
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      opened = true;
      this.attempt = 0;
      this.startPings();
      this.report('connected', '', 0);
    });
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === 'pong') {
        clearTimeout(this.pongTimer);
        return;
      }
      this.dispatch({ type: 'frame', frame });
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPings();
      if (!this.wanted) return;
      if (event.code === 4001) {
        this.wanted = false;
        this.report('offline', 'your login has expired', 0);
        this.dispatch({ type: 'session-ended' });
        return;
      }
      this.scheduleRetry(opened ? closeReason(event.code) : 'cannot reach the server', !opened);
    });
  }

  scheduleRetry(reason, failedToOpen) {
    const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    const inSecs = Math.max(1, Math.round(delay / 1000));
    this.report('reconnecting', reason, inSecs, failedToOpen);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.wanted && !this.socket) this.connect();
    }, delay);
  }

  startPings() {
    this.stopPings();
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping', nonce: String(Date.now()) })) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => {
        // No answer: the connection is dead even if the browser has not noticed yet.
        if (this.socket) this.socket.close(4000, 'no pong');
      }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  stopPings() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  report(state, reason, inSecs, failedToOpen = false) {
    this.dispatch({ type: 'conn', state, reason, inSecs, failedToOpen });
  }
}

function closeReason(code) {
  switch (code) {
    case 1001: return 'the server is restarting';
    case 4000: return 'the connection stopped answering';
    case 4008: return 'too far behind; catching up';
    case 4029: return 'too many messages at once';
    default: return 'connection lost';
  }
}
