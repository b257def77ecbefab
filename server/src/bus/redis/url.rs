//! A Redis URL as it may be logged: the user name and password (`redis://user:pw@host`)
//! are left out.

/// `url` with its credentials replaced by `***`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<not a URL>".into();
    };
    // the last `@`: a password may hold `@` or `/` that were not escaped
    match rest.rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Passwords and user names never show; host, port and database do.
    #[test]
    fn hides_credentials() {
        assert_eq!(redacted("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(
            redacted("redis://:s3cret@cache:6379/2"),
            "redis://***@cache:6379/2"
        );
        assert_eq!(
            redacted("rediss://me:p@ss@w0rd@cache/0?x=1"),
            "rediss://***@cache/0?x=1"
        );
        assert_eq!(redacted("redis://:a/b@cache"), "redis://***@cache");
        assert_eq!(redacted("cache:6379"), "<not a URL>");
    }
}
