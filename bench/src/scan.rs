//! Cheap reading of server frames: the load generator must spend little CPU per received
//! frame, so it finds the few fields it needs (`type`, `seq`, `head`, the send stamp in the
//! content) by scanning the JSON text instead of deserialising the whole message.
//!
//! Scanning is sound here because JSON escapes every `"` inside a string: a raw `"seq":`
//! can only be a key, never part of a message's content. The keys' searchers are built
//! once, and the `type` tag, which serde writes first, is read without a search.

use std::sync::LazyLock;

use memchr::memmem::Finder;

/// Prefix of every content the load generator sends, followed by the stamp and `:`.
pub const STAMP_PREFIX: &str = "qb:";

/// What a server frame is, as far as the load generator cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scanned {
    /// `new-message`: its seq, and the send stamp if the content carries one.
    NewMessage { seq: i64, stamp: Option<u64> },
    /// `ack`: the acknowledged message's seq and send stamp.
    Ack { seq: i64, stamp: Option<u64> },
    /// `joined`: replay done, `head` is the group's latest seq.
    Joined { head: i64 },
    /// `error`: the server refused a frame.
    Error,
    /// Anything else (`pong`, `left`, a type this version does not know).
    Other,
}

/// A key searched for in frames, with its searcher.
struct Key {
    text: &'static str,
    finder: Finder<'static>,
}

impl Key {
    fn new(text: &'static str) -> Key {
        Key {
            text,
            finder: Finder::new(text),
        }
    }

    /// The rest of `frame` after the first occurrence of this key.
    fn after<'a>(&self, frame: &'a str) -> Option<&'a str> {
        let at = self.finder.find(frame.as_bytes())? + self.text.len();
        // the key ends in an ASCII character, so `at` is a character boundary
        frame.get(at..)
    }
}

static TYPE: LazyLock<Key> = LazyLock::new(|| Key::new("\"type\":\""));
static SEQ: LazyLock<Key> = LazyLock::new(|| Key::new("\"seq\":"));
static HEAD: LazyLock<Key> = LazyLock::new(|| Key::new("\"head\":"));
static CONTENT: LazyLock<Key> = LazyLock::new(|| Key::new("\"content\":\""));

/// Reads the fields the load generator needs from one server frame.
pub fn scan(frame: &str) -> Scanned {
    let tag = match frame.strip_prefix("{\"type\":\"") {
        Some(rest) => rest.find('"').map(|end| &rest[..end]),
        None => string_after(frame, &TYPE),
    };
    match tag {
        Some("new-message") => match int_after(frame, &SEQ) {
            Some(seq) => Scanned::NewMessage {
                seq,
                stamp: stamp_in(frame),
            },
            None => Scanned::Other,
        },
        Some("ack") => match int_after(frame, &SEQ) {
            Some(seq) => Scanned::Ack {
                seq,
                stamp: stamp_in(frame),
            },
            None => Scanned::Other,
        },
        Some("joined") => match int_after(frame, &HEAD) {
            Some(head) => Scanned::Joined { head },
            None => Scanned::Other,
        },
        Some("error") => Scanned::Error,
        _ => Scanned::Other,
    }
}

/// The content a publisher sends: the stamp, then padding up to `len` bytes.
pub fn stamped_content(stamp: u64, len: usize) -> String {
    let mut s = format!("{STAMP_PREFIX}{stamp}:");
    while s.len() < len {
        s.push('x');
    }
    s
}

fn stamp_in(frame: &str) -> Option<u64> {
    let rest = CONTENT.after(frame)?.strip_prefix(STAMP_PREFIX)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

fn string_after<'a>(frame: &'a str, key: &Key) -> Option<&'a str> {
    let rest = key.after(frame)?;
    Some(&rest[..rest.find('"')?])
}

fn int_after(frame: &str, key: &Key) -> Option<i64> {
    let rest = key.after(frame)?.trim_start();
    let len = rest
        .bytes()
        .enumerate()
        .take_while(|&(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
        .count();
    rest[..len].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quid_shared::{Message, MessageKind, ServerFrame, UserRef};

    fn message(seq: i64, content: &str) -> Message {
        Message {
            id: 99,
            group: uuid::Uuid::nil(),
            seq,
            kind: MessageKind::User,
            author: Some(UserRef {
                id: uuid::Uuid::nil(),
                username: "qb1".into(),
            }),
            content: content.into(),
            private: false,
            target: None,
            reply_to: None,
            client_id: Some("c".into()),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            meta: serde_json::json!({"seq": 5}),
        }
    }

    /// Frames serialised by the shared protocol types are read back correctly.
    #[test]
    fn reads_frames_of_the_shared_protocol() {
        let content = stamped_content(123_456, 100);
        assert_eq!(content.len(), 100);
        let nm = serde_json::to_string(&ServerFrame::NewMessage {
            message: message(17, &content),
        })
        .unwrap();
        assert_eq!(
            scan(&nm),
            Scanned::NewMessage {
                seq: 17,
                stamp: Some(123_456)
            }
        );
        let ack = serde_json::to_string(&ServerFrame::Ack {
            client_id: "c".into(),
            message: message(3, &content),
        })
        .unwrap();
        assert_eq!(
            scan(&ack),
            Scanned::Ack {
                seq: 3,
                stamp: Some(123_456)
            }
        );
        let joined = serde_json::to_string(&ServerFrame::Joined {
            group: uuid::Uuid::nil(),
            head: 42,
        })
        .unwrap();
        assert_eq!(scan(&joined), Scanned::Joined { head: 42 });
        assert_eq!(scan(r#"{"type":"pong"}"#), Scanned::Other);
        assert_eq!(
            scan(r#"{"type":"error","code":"forbidden","message":"x"}"#),
            Scanned::Error
        );
    }

    /// Text that merely looks like a key inside the content does not fool the scanner.
    #[test]
    fn content_cannot_spoof_fields() {
        let nm = serde_json::to_string(&ServerFrame::NewMessage {
            message: message(8, r#"hello "seq":1 "type":"ack""#),
        })
        .unwrap();
        assert_eq!(
            scan(&nm),
            Scanned::NewMessage {
                seq: 8,
                stamp: None
            }
        );
    }

    /// A frame whose `type` is not its first key is still read (by searching for it).
    #[test]
    fn type_tag_anywhere() {
        assert_eq!(
            scan(r#"{"group":"g","type":"joined","head":3}"#),
            Scanned::Joined { head: 3 }
        );
        assert_eq!(scan(r#"{"head":3}"#), Scanned::Other);
        assert_eq!(scan(r#"{"type":"joined"}"#), Scanned::Other);
        // a tag without its closing quote is no tag, on either path
        assert_eq!(scan(r#"{"type":"error"#), Scanned::Other);
        assert_eq!(scan(r#"{"a":1,"type":"error"#), Scanned::Other);
    }
}
