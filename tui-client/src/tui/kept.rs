//! A file the chat keeps between runs in the config directory, shared by every server
//! and account that uses the directory: a JSON object of one entry per key (server and
//! account). A run reads its own entry and replaces it, leaving the others as they are;
//! a missing or damaged file reads as no entry. Read markers ([`super::marks`]) and the
//! chat's state ([`super::cache`]) are kept so.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// One entry of type `T` in one kept file.
#[derive(Debug)]
pub struct KeptFile<T> {
    path: PathBuf,
    key: String,
    entry: PhantomData<T>,
}

impl<T: Serialize + DeserializeOwned + Default> KeptFile<T> {
    /// The entry `key` of the file `name` in `dir`.
    pub fn new(dir: &Path, name: &str, key: String) -> Self {
        KeptFile {
            path: dir.join(name),
            key,
            entry: PhantomData,
        }
    }

    /// The entry kept last time; the default when there is none or it cannot be read
    /// (what is kept is a convenience: the chat works without it).
    pub fn load(&self) -> T {
        self.read().remove(&self.key).unwrap_or_default()
    }

    /// Keeps `entry`, leaving the other entries as they are. The file is replaced in one
    /// rename, so a crash leaves the old one or the new one.
    pub fn save(&self, entry: T) -> io::Result<()> {
        let mut stored = self.read();
        stored.insert(self.key.clone(), entry);
        let json = serde_json::to_vec_pretty(&stored)?;
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let temp = self.path.with_extension("json.tmp");
        fs::write(&temp, json)?;
        fs::rename(&temp, &self.path)
    }

    fn read(&self) -> BTreeMap<String, T> {
        fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }
}
