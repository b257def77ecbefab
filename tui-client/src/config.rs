//! Where the client finds its server and its token: flags, environment, and the files in
//! the user's config directory, resolved in one place so every subcommand agrees.
//!
//! - Server URL: `--server`, else `QUID_SERVER`, else `server` in `config.json`, else
//!   [`DEFAULT_SERVER`].
//! - Token: `QUID_TOKEN`, else the `token` file (mode 0600) written by `quid login`.
//! - Directory: `QUID_CONFIG_DIR`, else the XDG config dir (`~/.config/quid` on Linux).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The server a fresh install talks to: the server's default port on this machine.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:3001";

/// Environment variable naming the server URL.
pub const ENV_SERVER: &str = "QUID_SERVER";
/// Environment variable holding a token; it wins over the stored one.
pub const ENV_TOKEN: &str = "QUID_TOKEN";
/// Environment variable naming the config directory (instead of the XDG one).
pub const ENV_CONFIG_DIR: &str = "QUID_CONFIG_DIR";

const CONFIG_FILE: &str = "config.json";
const TOKEN_FILE: &str = "token";

/// Why the configuration could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no home directory found; set {ENV_CONFIG_DIR} to choose a config directory")]
    NoConfigDir,
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "invalid server URL {url:?}: give one like http://127.0.0.1:3001 (http:// or https://, then the host)"
    )]
    BadServerUrl { url: String },
    /// A URL that names an API path rather than the server.
    #[error(
        "the server URL {url:?} ends in /api: give the server's base URL without it, e.g. {base}"
    )]
    ApiPath { url: String, base: String },
}

/// The contents of `config.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The server's base URL, e.g. `http://127.0.0.1:3001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// What rings the bell, per group (name or id): `all`, `mentions` (the default) or
    /// `none`. Written by the chat's `/notify`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notify: BTreeMap<String, NotifyLevel>,
}

/// Which messages of a group ring the bell and count in the terminal title.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyLevel {
    /// Every message of others.
    All,
    /// Mentions of me, private messages and questions to me.
    #[default]
    Mentions,
    /// Nothing.
    None,
}

impl NotifyLevel {
    /// Parses `all`, `mentions` or `none`.
    pub fn parse(text: &str) -> Option<NotifyLevel> {
        match text.trim().to_ascii_lowercase().as_str() {
            "all" => Some(NotifyLevel::All),
            "mentions" | "mention" => Some(NotifyLevel::Mentions),
            "none" | "off" => Some(NotifyLevel::None),
            _ => None,
        }
    }
}

/// The resolved configuration of one run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL without a trailing slash.
    pub server: String,
    /// The directory holding `config.json` and `token`.
    pub dir: PathBuf,
    /// The token to authenticate with, if logged in.
    pub token: Option<String>,
    /// Bell settings per group (name or id), from `config.json`.
    pub notify: BTreeMap<String, NotifyLevel>,
}

impl Config {
    /// Resolves the configuration from a `--server` flag, the environment and the files.
    pub fn load(server_flag: Option<&str>) -> Result<Self, ConfigError> {
        let dir = config_dir()?;
        let file = read_config_file(&dir)?;
        let env_server = non_empty_env(ENV_SERVER);
        let server = server_flag
            .map(str::to_owned)
            .or(env_server)
            .or(file.server)
            .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
        let server = normalize_server(&server)?;
        let token = match non_empty_env(ENV_TOKEN) {
            Some(token) => Some(token),
            None => read_token(&dir)?,
        };
        Ok(Config {
            server,
            dir,
            token,
            notify: file.notify,
        })
    }

    /// Keeps `level` for the group named `key` in `config.json`, leaving the rest of the
    /// file as it is (replaced in one rename).
    pub fn save_notify(dir: &Path, key: &str, level: NotifyLevel) -> Result<(), ConfigError> {
        let mut file = read_config_file(dir)?;
        file.notify.insert(key.to_owned(), level);
        let path = dir.join(CONFIG_FILE);
        let write_err = |source| ConfigError::Write {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(dir).map_err(write_err)?;
        let json =
            serde_json::to_vec_pretty(&file).map_err(|e| write_err(std::io::Error::other(e)))?;
        let temp = path.with_extension("json.tmp");
        fs::write(&temp, json).map_err(write_err)?;
        fs::rename(&temp, &path).map_err(write_err)
    }

    /// Stores a token for later runs, readable by the owner only.
    pub fn save_token(&self, token: &str) -> Result<PathBuf, ConfigError> {
        let path = self.dir.join(TOKEN_FILE);
        let write_err = |source| ConfigError::Write {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(write_err)?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).map_err(write_err)?;
        #[cfg(unix)]
        {
            // `mode` applies only when the file is created: tighten an older file too.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(write_err)?;
        }
        file.write_all(token.as_bytes()).map_err(write_err)?;
        Ok(path)
    }

    /// Removes the stored token; `Ok(false)` when there was none.
    pub fn remove_token(&self) -> Result<bool, ConfigError> {
        let path = self.dir.join(TOKEN_FILE);
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(ConfigError::Write { path, source }),
        }
    }

    /// Where the token file lives (for messages).
    pub fn token_path(&self) -> PathBuf {
        self.dir.join(TOKEN_FILE)
    }
}

/// The config directory: `QUID_CONFIG_DIR`, else the platform's (XDG) config dir.
pub fn config_dir() -> Result<PathBuf, ConfigError> {
    if let Some(dir) = non_empty_env(ENV_CONFIG_DIR) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "quid")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or(ConfigError::NoConfigDir)
}

fn read_config_file(dir: &Path) -> Result<ConfigFile, ConfigError> {
    let path = dir.join(CONFIG_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => {
            serde_json::from_str(&text).map_err(|source| ConfigError::Parse { path, source })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(source) => Err(ConfigError::Read { path, source }),
    }
}

fn read_token(dir: &Path) -> Result<Option<String>, ConfigError> {
    let path = dir.join(TOKEN_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text.trim().to_owned()).filter(|t| !t.is_empty())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ConfigError::Read { path, source }),
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Checks the scheme and that a host follows it, and strips trailing slashes.
fn normalize_server(given: &str) -> Result<String, ConfigError> {
    let url = given.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match host {
        Some(host) if !host.is_empty() => {
            if let Some(base) = url
                .strip_suffix("/api")
                .or_else(|| url.strip_suffix("/api/ws"))
            {
                return Err(ConfigError::ApiPath {
                    url: given.trim().to_owned(),
                    base: base.to_owned(),
                });
            }
            Ok(url.to_owned())
        }
        _ => Err(ConfigError::BadServerUrl {
            url: given.trim().to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Server URLs keep their scheme, lose trailing slashes, and other schemes are refused.
    #[test]
    fn server_urls_are_normalized() {
        assert_eq!(
            normalize_server("http://h:1/").ok().as_deref(),
            Some("http://h:1")
        );
        assert!(normalize_server("h:1").is_err());
        for hostless in ["http://", "https:///", " http:// "] {
            assert!(
                matches!(normalize_server(hostless), Err(ConfigError::BadServerUrl { url }) if url == hostless.trim()),
                "{hostless:?}"
            );
        }
    }

    /// `/notify` keeps its setting in config.json next to the server URL written by hand.
    #[test]
    fn notify_settings_are_kept_with_the_rest() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        fs::write(
            dir.path().join(CONFIG_FILE),
            r#"{"server": "http://q.example"}"#,
        )?;
        Config::save_notify(dir.path(), "team", NotifyLevel::None)?;
        Config::save_notify(dir.path(), "ops", NotifyLevel::All)?;
        let file = read_config_file(dir.path())?;
        assert_eq!(file.server.as_deref(), Some("http://q.example"));
        assert_eq!(file.notify.get("team"), Some(&NotifyLevel::None));
        assert_eq!(file.notify.get("ops"), Some(&NotifyLevel::All));
        Ok(())
    }

    /// The token file is created with mode 0600, read back, and removed.
    #[test]
    fn token_round_trip_is_private() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let config = Config {
            server: DEFAULT_SERVER.into(),
            dir: dir.path().join("quid"),
            token: None,
            notify: BTreeMap::new(),
        };
        let path = config.save_token("abc")?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(read_token(&config.dir)?.as_deref(), Some("abc"));
        assert!(config.remove_token()?);
        assert!(!config.remove_token()?);
        Ok(())
    }
}
