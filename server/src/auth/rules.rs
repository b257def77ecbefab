//! Username and password rules, stated in full in the error when broken.

use quid_shared::limits::{PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN};

/// Longest accepted password, in bytes (hashing cost stays bounded).
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// Checks a username: 3 to 32 characters of `a-z`, `0-9`, `_`, `-`, starting with a letter.
pub fn validate_username(name: &str) -> Result<(), String> {
    let ok_len = (USERNAME_MIN..=USERNAME_MAX).contains(&name.len());
    let ok_start = name.starts_with(|c: char| c.is_ascii_lowercase());
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok_len && ok_start && ok_chars {
        Ok(())
    } else {
        Err(format!(
            "username must be {USERNAME_MIN} to {USERNAME_MAX} characters of a-z, 0-9, _ and -, \
             starting with a letter"
        ))
    }
}

/// Checks a password: at least 8 characters, at most 1024 bytes.
pub fn validate_password(password: &str) -> Result<(), String> {
    if password.chars().count() < PASSWORD_MIN {
        return Err(format!(
            "password must be at least {PASSWORD_MIN} characters"
        ));
    }
    if password.len() > PASSWORD_MAX_BYTES {
        return Err(format!(
            "password must be at most {PASSWORD_MAX_BYTES} bytes"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented username rules hold at their edges.
    #[test]
    fn username_rules() {
        for ok in ["bob", "alice_1", "a-b", &"a".repeat(32)] {
            assert!(validate_username(ok).is_ok(), "{ok}");
        }
        for bad in ["al", "1bob", "Bob", "bob!", "_bob", &"a".repeat(33), ""] {
            let err = validate_username(bad).unwrap_err();
            assert!(err.contains("3 to 32"), "{bad}: {err}");
        }
    }

    /// Short passwords are refused with the rule in the message.
    #[test]
    fn password_rules() {
        assert!(validate_password("12345678").is_ok());
        assert!(
            validate_password("1234567")
                .unwrap_err()
                .contains("at least 8")
        );
        assert!(validate_password(&"x".repeat(2000)).is_err());
    }
}
