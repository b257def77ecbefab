//! The command line: argument definitions and dispatch to one module per subcommand group
//! (failures map to exit codes in [`crate::context`]).
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
mod whatif;

use clap::{Parser, Subcommand};

pub use crate::context::{CliError, Context};

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
    /// What each member of a group is bound to do and why; without -g, what you are bound
    /// to in every group
    Liabilities(commitments::LiabilitiesArgs),
    /// Show what an offer would change, before making it (nothing is stored or sent)
    Whatif(whatif::WhatIfArgs),
    /// Revoke one of your commitments
    Revoke(commitments::RevokeArgs),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
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
        Command::Whatif(args) => whatif::run(&ctx, args).await,
        Command::Completions(args) => completions::run(&args),
    }
}
