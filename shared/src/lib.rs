//! Quid's wire protocol and domain DTOs: the one contract the server, the terminal client,
//! the CLI and the load generator all speak. Serde only, no I/O.
//!
//! # Layout
//!
//! - [`protocol`] — WebSocket frames: [`ClientFrame`] (client -> server) and [`ServerFrame`]
//!   (server -> client), tagged by `type`.
//! - [`message`] — the [`Message`] object every frame and endpoint carries, and its kinds.
//! - [`api`] — HTTP request and response bodies, and the JSON error body.
//! - [`account`] — sessions, password change and account deletion bodies.
//! - [`invite`] — invitations and member roles.
//! - [`commitment`] — commitments, conditions, promises and liabilities as they cross the wire.
//! - [`limits`] — the numeric limits both sides agree on (content length, frame size).

pub mod account;
pub mod api;
pub mod commitment;
pub mod invite;
pub mod limits;
pub mod message;
pub mod protocol;

pub use account::*;
pub use api::*;
pub use commitment::*;
pub use invite::*;
pub use message::*;
pub use protocol::*;

/// A group's or user's identifier.
pub type Id = uuid::Uuid;
