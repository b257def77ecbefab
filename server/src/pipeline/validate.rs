//! Rules a message must meet before it reaches the database (pure, no I/O).

use quid_shared::limits::{MAX_CLIENT_ID_BYTES, MAX_CONTENT_CHARS, MIN_CONTENT_CHARS};

use super::PipelineError;
use crate::store::{Draft, Recipient};

/// Text that is stored must not hold U+0000: PostgreSQL's `text` cannot, and there the
/// failing insert would roll back the writer's whole batch, so both engines refuse it.
fn no_nul(field: &str, text: &str) -> Result<(), PipelineError> {
    if text.contains('\0') {
        return Err(PipelineError::Invalid(format!(
            "{field} must not contain the NUL character (U+0000)"
        )));
    }
    Ok(())
}

/// Content must have 1 to 5000 characters, not be only white space, and hold no NUL.
pub(super) fn validate_content(content: &str) -> Result<(), PipelineError> {
    no_nul("content", content)?;
    if content.trim().chars().count() < MIN_CONTENT_CHARS {
        return Err(PipelineError::Invalid(
            "content must not be empty or only white space".into(),
        ));
    }
    let chars = content.chars().count();
    if chars > MAX_CONTENT_CHARS {
        return Err(PipelineError::TooLarge(format!(
            "content has {chars} characters; at most {MAX_CONTENT_CHARS} are allowed"
        )));
    }
    Ok(())
}

/// A client id must have 1 to 128 bytes and hold no NUL.
fn validate_client_id(client_id: &str) -> Result<(), PipelineError> {
    no_nul("client_id", client_id)?;
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID_BYTES {
        return Err(PipelineError::Invalid(format!(
            "client_id must have 1 to {MAX_CLIENT_ID_BYTES} bytes"
        )));
    }
    Ok(())
}

pub(super) fn validate_draft(draft: &Draft) -> Result<(), PipelineError> {
    validate_content(&draft.content)?;
    if let Some(client_id) = &draft.client_id {
        validate_client_id(client_id)?;
    }
    if let Some(Recipient::Named(name)) = &draft.to {
        no_nul("`to`", name)?;
        if name.trim().is_empty() {
            return Err(PipelineError::Invalid(
                "`to` must name a member (user id or username)".into(),
            ));
        }
    }
    if draft.reply_to.is_some_and(|id| id <= 0) {
        return Err(PipelineError::Invalid(
            "reply_to must be a message id".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Content length is counted in characters, with the limits in the message.
    #[test]
    fn content_limits() {
        assert!(validate_content("x").is_ok());
        assert!(validate_content(&"é".repeat(5000)).is_ok());
        assert!(matches!(
            validate_content("  \n"),
            Err(PipelineError::Invalid(_))
        ));
        let long = validate_content(&"x".repeat(5001)).unwrap_err();
        assert!(matches!(long, PipelineError::TooLarge(_)));
        assert!(long.to_string().contains("5000"));
    }

    /// Client ids must be non-empty and bounded.
    #[test]
    fn client_id_limits() {
        assert!(validate_client_id("c1").is_ok());
        assert!(validate_client_id("").is_err());
        assert!(validate_client_id(&"x".repeat(129)).is_err());
    }

    /// NUL is refused in every stored field of a message, with the field named.
    #[test]
    fn nul_is_refused() {
        let e = validate_content("a\0b").unwrap_err();
        assert!(matches!(e, PipelineError::Invalid(_)));
        assert!(e.to_string().contains("content") && e.to_string().contains("U+0000"));
        assert!(
            validate_client_id("c\0x")
                .unwrap_err()
                .to_string()
                .contains("client_id")
        );
        assert!(
            validate_content("a\u{1}b").is_ok(),
            "other control characters stay"
        );
    }
}
