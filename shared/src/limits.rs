//! Limits agreed between server and clients, so a client can refuse early what the server
//! would refuse anyway.

/// Shortest message content, in characters (after trimming surrounding white space).
pub const MIN_CONTENT_CHARS: usize = 1;
/// Longest message content, in characters.
pub const MAX_CONTENT_CHARS: usize = 5000;
/// Largest WebSocket frame the server reads; a larger one closes the socket with 1009.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Longest `client_id`, in bytes.
pub const MAX_CLIENT_ID_BYTES: usize = 128;
/// Username rules: 3 to 32 characters of `a-z`, `0-9`, `_`, `-`, starting with a letter.
pub const USERNAME_MIN: usize = 3;
/// See [`USERNAME_MIN`].
pub const USERNAME_MAX: usize = 32;
/// Shortest password, in characters.
pub const PASSWORD_MIN: usize = 8;
/// Longest group name, in characters.
pub const GROUP_NAME_MAX: usize = 64;
/// Most messages one history request returns.
pub const HISTORY_LIMIT_MAX: u32 = 500;
