//! Reading client frames with errors that name the problem, and building error frames.

use quid_shared::{ClientFrame, ErrorCode, ServerFrame};

/// Why a client frame could not be read, and what it answers (`ref`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadFrame {
    pub message: String,
    pub reference: Option<String>,
}

impl BadFrame {
    /// The `error` frame to answer with.
    pub(super) fn into_frame(self) -> ServerFrame {
        error(ErrorCode::BadRequest, self.message, self.reference)
    }
}

/// Parses one text frame.
pub(super) fn parse(text: &str) -> Result<ClientFrame, BadFrame> {
    serde_json::from_str(text).map_err(|e| {
        // Only on the error path: look at the frame loosely to name what it was.
        let loose: Option<serde_json::Value> = serde_json::from_str(text).ok();
        let message = match &loose {
            None => format!("malformed JSON: {e}"),
            Some(v) if !v.is_object() => "a frame must be a JSON object".to_owned(),
            Some(v) if v.get("type").is_none() => "missing field `type`".to_owned(),
            Some(_) => format!("invalid frame: {e}"),
        };
        BadFrame {
            message,
            reference: loose.as_ref().and_then(reference_in),
        }
    })
}

/// What an error about this frame should name as `ref`: its `client_id`, else its `type`.
/// Parses loosely; used only on error paths.
pub(super) fn reference_of(text: &str) -> Option<String> {
    let loose: serde_json::Value = serde_json::from_str(text).ok()?;
    reference_in(&loose)
}

fn reference_in(frame: &serde_json::Value) -> Option<String> {
    let field = |name: &str| frame.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    field("client_id").or_else(|| field("type"))
}

/// An `error` frame.
pub(super) fn error(
    code: ErrorCode,
    message: impl Into<String>,
    reference: Option<String>,
) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.into(),
        reference,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_of(bad: BadFrame) -> (String, Option<String>) {
        (bad.message, bad.reference)
    }

    /// Each kind of bad frame gets an error that names the problem and what it answers.
    #[test]
    fn bad_frames_are_named() {
        let (m, r) = message_of(parse("{not json").unwrap_err());
        assert!(m.starts_with("malformed JSON"), "{m}");
        assert_eq!(r, None);
        let (m, r) = message_of(parse(r#"{"type":"dance"}"#).unwrap_err());
        assert!(m.contains("unknown variant `dance`"), "{m}");
        assert_eq!(r.as_deref(), Some("dance"));
        let (m, r) =
            message_of(parse(r#"{"type":"send","client_id":"c9","content":"x"}"#).unwrap_err());
        assert!(m.contains("missing field `group`"), "{m}");
        assert_eq!(r.as_deref(), Some("c9"));
        let (m, _) = message_of(parse(r#"{"group":"x"}"#).unwrap_err());
        assert_eq!(m, "missing field `type`");
        let (m, _) = message_of(parse("[1,2]").unwrap_err());
        assert_eq!(m, "a frame must be a JSON object");
    }

    /// A good frame parses.
    #[test]
    fn ping_parses() {
        assert_eq!(
            parse(r#"{"type":"ping","nonce":"n"}"#),
            Ok(ClientFrame::Ping {
                nonce: Some("n".into())
            })
        );
    }
}
