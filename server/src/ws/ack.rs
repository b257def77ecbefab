//! `ack` frames, built around the JSON its message was given for its `new-message` frame:
//! a message is serialized once, however many ways it leaves.

use quid_shared::{Id, ServerFrame};

use super::wire;
use crate::hub::frame::put_text_frame;
use crate::pipeline::Posted;

/// `ServerFrame::Ack` as serde writes it: the client id goes between the first two
/// parts, the message's JSON between the last two.
const ACK: [&[u8]; 3] = [br#"{"type":"ack","client_id":"#, br#","message":"#, b"}"];

/// An `ack` ready to write, with the message it answers for.
#[derive(Debug)]
pub(super) struct Ack {
    pub group: Id,
    pub seq: i64,
    /// The whole WebSocket frame.
    pub frame: Vec<u8>,
}

impl Ack {
    /// The ack of `posted` for the `client_id` it was sent with.
    pub fn new(client_id: String, posted: Posted) -> Ack {
        let (group, seq) = (posted.message.group, posted.message.seq);
        let mut frame = Vec::new();
        match &posted.published {
            Some(published) => {
                let id = serde_json::to_string(&client_id).unwrap_or_else(|_| "\"\"".into());
                let [head, middle, tail] = ACK;
                let parts = [head, id.as_bytes(), middle, &published.json, tail];
                put_text_frame(&mut frame, &parts);
            }
            None => wire::put_server_frame(
                &mut frame,
                &ServerFrame::Ack {
                    client_id,
                    message: posted.message,
                },
            ),
        }
        Ack { group, seq, frame }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::Published;

    fn payload(frame: &[u8]) -> &[u8] {
        // frames here are shorter than 64 KiB: a 2- or 4-byte header
        if frame[1] == 126 {
            &frame[4..]
        } else {
            &frame[2..]
        }
    }

    /// Both ways of building an ack give exactly the bytes serde gives for
    /// `ServerFrame::Ack`, and the shared JSON is the `new-message` frame's, which is
    /// serde's `ServerFrame::NewMessage`.
    #[test]
    fn acks_and_messages_are_serdes_bytes() {
        let published =
            Published::sample(Id::new_v4(), 7, Id::new_v4(), None, "a \"quoted\"\nline é");
        let message = published.message.clone();
        let client_id = "id \"with\" quotes\\".to_owned();
        let expected = serde_json::to_vec(&ServerFrame::Ack {
            client_id: client_id.clone(),
            message: message.clone(),
        })
        .unwrap();
        let shared = Posted {
            message: message.clone(),
            created: true,
            published: Some(published.clone()),
        };
        let alone = Posted {
            published: None,
            ..shared.clone()
        };
        for posted in [shared, alone] {
            let ack = Ack::new(client_id.clone(), posted);
            assert_eq!((ack.group, ack.seq), (message.group, 7));
            assert_eq!(payload(&ack.frame), expected.as_slice());
        }
        let new_message = serde_json::to_vec(&ServerFrame::NewMessage { message }).unwrap();
        assert_eq!(payload(&published.frame), new_message.as_slice());
    }
}
