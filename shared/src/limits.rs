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
/// Longest group topic, in characters.
pub const TOPIC_MAX: usize = 300;
/// Longest reaction, in characters (an emoji, or a short word).
pub const REACTION_MAX_CHARS: usize = 16;
/// Most search results one request returns.
pub const SEARCH_LIMIT_MAX: u32 = 100;
/// The server forwards at most one `typing` per connection and group this often (ms).
pub const TYPING_EVERY_MS: u64 = 3000;
