//! What the chat and every subcommand start from — the resolved configuration and an API
//! client — and the one mapping from failures to exit codes. Below both `cli` and `tui`,
//! so the chat does not borrow from the command line.

use quid_shared::ErrorCode;

use crate::api::{ApiClient, ApiError};
use crate::config::{Config, ConfigError};

/// A failure of a command, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(
        "not logged in: run `quid login` (or `quid register` to create an account; or set QUID_TOKEN)"
    )]
    NotLoggedIn,
    #[error("{0}")]
    Usage(String),
    /// The server refused the connection for good (e.g. the token expired).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The reader of our output went away (`quid tail | head`): stop quietly.
    #[error("output closed")]
    OutputClosed,
    #[error("{0}")]
    Failed(String),
    /// The chat was started without a terminal.
    #[error(
        "the chat needs a terminal (stdin and stdout); for scripts use the subcommands: \
         quid send, quid tail, quid history, … (quid --help)"
    )]
    NoTerminal,
}

impl CliError {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::OutputClosed => 0,
            CliError::NotLoggedIn | CliError::Refused(_) => 3,
            CliError::Usage(_)
            | CliError::Config(ConfigError::BadServerUrl { .. } | ConfigError::ApiPath { .. }) => 2,
            CliError::Api(e) => api_exit_code(e),
            CliError::NoTerminal => 2,
            CliError::Config(_) | CliError::Io(_) | CliError::Failed(_) => 1,
        }
    }

    /// Whether the failure deserves a message on stderr.
    pub fn is_reported(&self) -> bool {
        !matches!(self, CliError::OutputClosed)
    }
}

fn api_exit_code(error: &ApiError) -> u8 {
    match error {
        ApiError::Unreachable { .. } | ApiError::NotQuid { .. } => 5,
        ApiError::NoSuchGroup(_) => 4,
        ApiError::AmbiguousGroup { .. } => 2,
        ApiError::Protocol { .. } => 1,
        ApiError::Server { code, .. } => match code {
            ErrorCode::Unauthorized => 3,
            ErrorCode::Forbidden | ErrorCode::NotFound => 4,
            ErrorCode::BadRequest | ErrorCode::TooLarge => 2,
            ErrorCode::Unavailable => 5,
            ErrorCode::Conflict => 6,
            _ => 1,
        },
    }
}

/// What every subcommand starts from: the resolved configuration and an API client.
pub struct Context {
    pub config: Config,
    pub api: ApiClient,
}

impl Context {
    /// Resolves the configuration (flag, env, files) and builds the client.
    pub fn load(server_flag: Option<&str>) -> Result<Self, CliError> {
        let config = Config::load(server_flag)?;
        let api = ApiClient::new(&config.server, config.token.clone())?;
        Ok(Context { config, api })
    }

    /// The client, or [`CliError::NotLoggedIn`] when there is no token.
    pub fn authed(&self) -> Result<&ApiClient, CliError> {
        match self.api.token() {
            Some(_) => Ok(&self.api),
            None => Err(CliError::NotLoggedIn),
        }
    }
}
