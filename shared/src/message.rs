//! The message object: what every `new-message` and `ack` frame and every history endpoint
//! carries.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::Id;

/// Who wrote a message, or who a commitment or liability belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserRef {
    pub id: Id,
    pub username: String,
}

/// What a message is. User text is `user`; the rest are emitted by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Text a member wrote.
    User,
    /// A commitment was recognised, created or revoked (public).
    Commitment,
    /// Liabilities changed (public); `meta.changes` lists them.
    Liability,
    /// The server asks the author to make a commitment exact (private to the author).
    ClarificationRequest,
    /// The author's answer to a clarification request (private to the author).
    ClarificationResponse,
    /// The author changed an earlier message: `content` is the new text, `meta.of` the
    /// seq of the message changed. Seen by whoever could see that message.
    Edit,
    /// The author deleted an earlier message (`meta.of`).
    Delete,
    /// A member added or removed a reaction (`content`, an emoji) to a message:
    /// `meta.of` its seq, `meta.on` whether added.
    Reaction,
    /// A member set or cleared the group's topic: `meta.topic` (null when cleared).
    Topic,
}

impl MessageKind {
    /// The name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::User => "user",
            MessageKind::Commitment => "commitment",
            MessageKind::Liability => "liability",
            MessageKind::ClarificationRequest => "clarification_request",
            MessageKind::ClarificationResponse => "clarification_response",
            MessageKind::Edit => "edit",
            MessageKind::Delete => "delete",
            MessageKind::Reaction => "reaction",
            MessageKind::Topic => "topic",
        }
    }

    /// Parses the wire / database name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "user" => MessageKind::User,
            "commitment" => MessageKind::Commitment,
            "liability" => MessageKind::Liability,
            "clarification_request" => MessageKind::ClarificationRequest,
            "clarification_response" => MessageKind::ClarificationResponse,
            "edit" => MessageKind::Edit,
            "delete" => MessageKind::Delete,
            "reaction" => MessageKind::Reaction,
            "topic" => MessageKind::Topic,
            _ => return None,
        })
    }

    /// Whether a message of this kind changes an earlier message (`meta.of`) instead of
    /// being a line of its own: clients apply it with [`Message::apply`] and do not show
    /// it or count it as unread.
    pub fn is_change(self) -> bool {
        matches!(
            self,
            MessageKind::Edit | MessageKind::Delete | MessageKind::Reaction
        )
    }
}

/// One message of a group, as stored and delivered.
///
/// `seq` increases by one per message within a group; `join {since}` refers to it.
/// A `private` message is visible only to its `target` and its `author`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Global id, unique across groups.
    pub id: i64,
    pub group: Id,
    pub seq: i64,
    pub kind: MessageKind,
    /// `None` for messages the server emits.
    pub author: Option<UserRef>,
    pub content: String,
    pub private: bool,
    /// The user a private message is for.
    pub target: Option<Id>,
    /// The id of the message this one answers.
    pub reply_to: Option<i64>,
    pub client_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Kind-specific data: `commitment_id` for commitments, `changes` for liabilities, …
    #[serde(default)]
    pub meta: serde_json::Value,
}

/// Who reacted with which emoji to a message (`meta.reactions`), in the order the
/// reactions were first given.
pub type Reactions = Vec<(String, Vec<String>)>;

impl Message {
    /// For a change ([`MessageKind::is_change`]): the seq of the message it changes.
    pub fn changes(&self) -> Option<i64> {
        if self.kind.is_change() {
            self.meta.get("of").and_then(serde_json::Value::as_i64)
        } else {
            None
        }
    }

    /// Whether the message was edited after it was sent.
    pub fn is_edited(&self) -> bool {
        self.meta.get("edited_at").is_some_and(|v| !v.is_null())
    }

    /// Whether the message was deleted by its author (its content is then empty).
    pub fn is_deleted(&self) -> bool {
        self.meta
            .get("deleted")
            .and_then(serde_json::Value::as_bool)
            == Some(true)
    }

    /// The reactions to this message: `meta.reactions` as `[[emoji, [username, …]], …]`.
    pub fn reactions(&self) -> Reactions {
        self.meta
            .get("reactions")
            .and_then(|r| serde_json::from_value(r.clone()).ok())
            .unwrap_or_default()
    }

    /// Applies a change (`edit`, `delete`, `reaction`) of this message, as the server
    /// did when it stored it; anything else is ignored. Applying the changes of a
    /// message in seq order, from any earlier state of it, ends in its current state.
    pub fn apply(&mut self, change: &Message) {
        if change.changes() != Some(self.seq) || change.group != self.group {
            return;
        }
        let meta = match &mut self.meta {
            serde_json::Value::Object(meta) => meta,
            other => {
                *other = serde_json::Value::Object(Default::default());
                let serde_json::Value::Object(meta) = other else {
                    return;
                };
                meta
            }
        };
        match change.kind {
            MessageKind::Edit => {
                self.content = change.content.clone();
                meta.insert(
                    "edited_at".into(),
                    change
                        .meta
                        .get("edited_at")
                        .cloned()
                        .unwrap_or(serde_json::Value::Bool(true)),
                );
            }
            MessageKind::Delete => {
                self.content.clear();
                meta.insert("deleted".into(), serde_json::Value::Bool(true));
            }
            MessageKind::Reaction => {
                let Some(who) = change.author.as_ref().map(|a| a.username.clone()) else {
                    return;
                };
                let on = change.meta.get("on").and_then(serde_json::Value::as_bool) != Some(false);
                let mut reactions: Reactions = meta
                    .get("reactions")
                    .and_then(|r| serde_json::from_value(r.clone()).ok())
                    .unwrap_or_default();
                set_reaction(&mut reactions, &change.content, &who, on);
                meta.insert("reactions".into(), serde_json::json!(reactions));
            }
            _ => {}
        }
    }

    /// The one visibility rule: a public message is visible to every member of its group,
    /// a private one only to its target and its author. Membership is checked by the caller.
    pub fn visible_to(&self, user: Id) -> bool {
        !self.private
            || self.target == Some(user)
            || self.author.as_ref().is_some_and(|a| a.id == user)
    }
}

/// Adds (`on`) or removes `who`'s `emoji` in `reactions`, dropping emoji nobody gives.
pub fn set_reaction(reactions: &mut Reactions, emoji: &str, who: &str, on: bool) {
    match reactions.iter_mut().find(|(e, _)| e == emoji) {
        Some((_, users)) => {
            users.retain(|u| u != who);
            if on {
                users.push(who.to_owned());
            }
        }
        None if on => reactions.push((emoji.to_owned(), vec![who.to_owned()])),
        None => {}
    }
    reactions.retain(|(_, users)| !users.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(seq: i64, kind: MessageKind, who: &str, content: &str) -> Message {
        Message {
            id: seq,
            group: Id::nil(),
            seq,
            kind,
            author: Some(UserRef {
                id: Id::nil(),
                username: who.into(),
            }),
            content: content.into(),
            private: false,
            target: None,
            reply_to: None,
            client_id: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            meta: serde_json::json!({}),
        }
    }

    fn change(
        seq: i64,
        kind: MessageKind,
        who: &str,
        content: &str,
        meta: serde_json::Value,
    ) -> Message {
        Message {
            meta,
            ..message(seq, kind, who, content)
        }
    }

    /// Edits, deletes and reactions applied in order give the message's current state,
    /// and applying them again changes nothing.
    #[test]
    fn changes_apply_in_order_and_again() {
        let mut m = message(1, MessageKind::User, "ann", "hello");
        let changes = [
            change(
                2,
                MessageKind::Edit,
                "ann",
                "hello all",
                serde_json::json!({"of": 1}),
            ),
            change(
                3,
                MessageKind::Reaction,
                "bob",
                "👍",
                serde_json::json!({"of": 1, "on": true}),
            ),
            change(
                4,
                MessageKind::Reaction,
                "cy",
                "👍",
                serde_json::json!({"of": 1, "on": true}),
            ),
            change(
                5,
                MessageKind::Reaction,
                "bob",
                "👍",
                serde_json::json!({"of": 1, "on": false}),
            ),
            change(
                6,
                MessageKind::Reaction,
                "bob",
                "🎉",
                serde_json::json!({"of": 1}),
            ),
        ];
        for c in &changes {
            m.apply(c);
        }
        assert_eq!(m.content, "hello all");
        assert!(m.is_edited());
        let expected: Reactions = vec![
            ("👍".into(), vec!["cy".into()]),
            ("🎉".into(), vec!["bob".into()]),
        ];
        assert_eq!(m.reactions(), expected);
        let once = m.clone();
        for c in &changes {
            m.apply(c);
        }
        assert_eq!(m.reactions(), once.reactions());
        m.apply(&change(
            7,
            MessageKind::Delete,
            "ann",
            "message deleted",
            serde_json::json!({"of": 1}),
        ));
        assert!(m.is_deleted());
        assert!(m.content.is_empty());
        // a change of another message is ignored
        let mut other = message(9, MessageKind::User, "ann", "x");
        other.apply(&changes[0]);
        assert_eq!(other.content, "x");
    }
}
