//! The command line: argument definitions, dispatch to one module per subcommand group,
//! and the one mapping from failures to exit codes.
//!
//! Exit codes: 0 success, 1 other failure, 2 usage (bad arguments or input the server
//! refused as malformed), 3 not logged in or token refused, 4 not found or not allowed,
//! 5 server unreachable.

mod auth;
mod commitments;
mod completions;
mod groups;
mod history;
mod output;
mod send;
mod tail;

use clap::{Parser, Subcommand};
use quid_shared::ErrorCode;

use crate::api::{ApiClient, ApiError};
use crate::config::{Config, ConfigError};

/// Quid: group chat in which people make conditional commitments.
///
/// Without a subcommand, opens the terminal chat. Subcommands serve scripts.
#[derive(Debug, Parser)]
#[command(
    name = "quid",
    version,
    propagate_version = true,
    after_help = "Environment: QUID_SERVER (server URL), QUID_TOKEN (token, wins over the stored one), \
QUID_CONFIG_DIR (config directory), QUID_PASSWORD (password for register/login).\n\
Exit codes: 0 ok, 1 other failure, 2 usage, 3 not logged in or token refused, \
4 not found or not allowed, 5 server unreachable."
)]
pub struct Cli {
    /// Server base URL [env: QUID_SERVER] [default: http://127.0.0.1:3001, or the config file]
    #[arg(long, global = true, value_name = "URL")]
    pub server: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an account and log in (stores the token)
    Register(auth::AuthArgs),
    /// Log in (stores the token)
    Login(auth::AuthArgs),
    /// Forget the stored token
    Logout,
    /// List your groups, or create, add to and leave them
    Groups(groups::GroupsArgs),
    /// Send a message (text from the arguments, or from stdin); prints the stored message
    Send(send::SendArgs),
    /// Stream a group's messages as they arrive (survives reconnects)
    Tail(tail::TailArgs),
    /// Print a group's past messages
    History(history::HistoryArgs),
    /// List a group's commitments
    Commitments(commitments::ListArgs),
    /// List what each member of a group is bound to do
    Liabilities(commitments::ListArgs),
    /// Revoke one of your commitments
    Revoke(commitments::RevokeArgs),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
}

/// A failure of a command, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("not logged in: run `quid login` (or set QUID_TOKEN)")]
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
}

impl CliError {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::OutputClosed => 0,
            CliError::NotLoggedIn | CliError::Refused(_) => 3,
            CliError::Usage(_) | CliError::Config(ConfigError::BadServerUrl { .. }) => 2,
            CliError::Api(e) => api_exit_code(e),
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

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    if let Some(Command::Completions(args)) = &cli.command {
        return completions::run(args);
    }
    let ctx = Context::load(cli.server.as_deref())?;
    let Some(command) = cli.command else {
        return crate::tui::run(&ctx).await;
    };
    match command {
        Command::Register(args) => auth::register(&ctx, args).await,
        Command::Login(args) => auth::login(&ctx, args).await,
        Command::Logout => auth::logout(&ctx),
        Command::Groups(args) => groups::run(&ctx, args).await,
        Command::Send(args) => send::run(&ctx, args).await,
        Command::Tail(args) => tail::run(&ctx, args).await,
        Command::History(args) => history::run(&ctx, args).await,
        Command::Commitments(args) => commitments::list(&ctx, args).await,
        Command::Liabilities(args) => commitments::liabilities(&ctx, args).await,
        Command::Revoke(args) => commitments::revoke(&ctx, args).await,
        Command::Completions(args) => completions::run(&args),
    }
}
