//! Quid's client: the terminal chat and the scripting CLI behind the `quid` binary.
//!
//! # Layout
//!
//! - [`config`] — server URL and token: flags, environment, files in the config directory.
//! - [`api`] — typed HTTP client; server errors keep the server's own message.
//! - [`ws`] — the WebSocket connection manager: reconnect with backoff, rejoin with
//!   `since`, dedupe by seq, report the true connection state.
//! - [`context`] — the configuration and client every command starts from; exit codes.
//! - [`cli`] — argument definitions, one module per subcommand group.
//! - [`tui`] — the terminal chat: app state, a pure `update`, drawing, one event loop.
//! - [`present`] — words for commitments and liabilities, shared by CLI and chat.
//! - [`notify`] — which messages concern the user (bell, `--notify-cmd`).
//! - [`timefmt`] — message times in local time.
//! - [`tls`] — whom `https://` and `wss://` trust: public authorities and `--ca-cert`.

pub mod api;
pub mod cli;
pub mod config;
pub mod context;
pub mod notify;
pub mod present;
pub mod timefmt;
pub mod tls;
pub mod tui;
pub mod ws;
