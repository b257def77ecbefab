//! The table of embedded files: each file under `web/` with its bytes (read by the
//! compiler), its content type, and an ETag made from a hash of its bytes.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// One embedded file, served at `/<path>`.
pub struct Asset {
    /// Its path under `web/`.
    pub path: &'static str,
    pub body: &'static [u8],
}

macro_rules! asset {
    ($path:literal) => {
        Asset {
            path: $path,
            body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/", $path)),
        }
    };
}

/// Every file of the page. A test checks that it lists every file under `web/`.
pub static ASSETS: &[Asset] = &[
    asset!("index.html"),
    asset!("style.css"),
    asset!("favicon.svg"),
    asset!("js/api.js"),
    asset!("js/dom.js"),
    asset!("js/effects.js"),
    asset!("js/main.js"),
    asset!("js/socket.js"),
    asset!("js/state.js"),
    asset!("js/why.js"),
    asset!("js/update/groups.js"),
    asset!("js/update/index.js"),
    asset!("js/update/results.js"),
    asset!("js/view/auth.js"),
    asset!("js/view/conversation.js"),
    asset!("js/view/groups.js"),
    asset!("js/view/index.js"),
    asset!("js/view/pane.js"),
];

/// Each asset's ETag, in the order of [`ASSETS`], computed once.
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let digest = Sha256::digest(asset.body);
            let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
            format!("\"{hex}\"")
        })
        .collect()
});

/// The asset served at `path` (relative, without the leading `/`).
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

impl Asset {
    /// The `Content-Type` its extension calls for.
    pub fn content_type(&self) -> &'static str {
        match self.path.rsplit_once('.').map(|(_, ext)| ext) {
            Some("html") => "text/html; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("svg") => "image/svg+xml",
            Some("png") => "image/png",
            _ => "application/octet-stream",
        }
    }

    /// A strong ETag: the start of the SHA-256 of its bytes, quoted.
    pub fn etag(&self) -> &'static str {
        let index = ASSETS
            .iter()
            .position(|a| std::ptr::eq(a, self))
            .unwrap_or_default();
        ETAGS.get(index).map_or("\"\"", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `web/` is embedded, and every embedded file exists there, so a file
    /// added to the page is never silently missing from the binary.
    #[test]
    fn every_web_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web");
        let mut on_disk = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let relative = path.strip_prefix(&root).unwrap();
                    on_disk.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = ASSETS.iter().map(|a| a.path.to_owned()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }

    /// Types follow extensions, and ETags differ between files and are stable.
    #[test]
    fn types_and_etags() {
        let index = find("index.html").unwrap();
        assert_eq!(index.content_type(), "text/html; charset=utf-8");
        assert_eq!(
            find("js/main.js").unwrap().content_type(),
            "text/javascript; charset=utf-8"
        );
        assert_ne!(index.etag(), find("style.css").unwrap().etag());
        assert_eq!(index.etag(), find("index.html").unwrap().etag());
        assert_eq!(index.etag().len(), 26);
        assert!(find("../Cargo.toml").is_none());
    }
}
