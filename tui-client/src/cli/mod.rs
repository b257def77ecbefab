//! The command line: argument definitions and dispatch to one module per subcommand group
//! (failures map to exit codes in [`crate::context`]).
//!
//! Exit codes: 0 success, 1 other failure, 2 usage (bad arguments or input the server
//! refused as malformed), 3 not logged in or token refused, 4 not found or not allowed,
//! 5 server unreachable, 6 already so (a taken username, already a member, a group name
//! in use).

mod account;
mod auth;
mod change;
mod commitments;
mod completions;
mod groups;
mod history;
mod invites;
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
QUID_CONFIG_DIR (config directory), QUID_PASSWORD (password for register/login), \
QUID_CA_CERT (extra CA for https).\n\
Exit codes: 0 ok, 1 other failure, 2 usage, 3 not logged in or token refused, \
4 not found or not allowed, 5 server unreachable, 6 already so (username taken, already a member)."
)]
pub struct Cli {
    /// Server base URL [env: QUID_SERVER] [default: http://127.0.0.1:3001, or the config file]
    #[arg(long, global = true, value_name = "URL")]
    pub server: Option<String>,
    /// Also trust this PEM certificate authority for https:// servers (a private CA or a
    /// self-signed server certificate)
    #[arg(long, global = true, env = "QUID_CA_CERT", value_name = "PEM")]
    pub ca_cert: Option<std::path::PathBuf>,
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
    /// End this session on the server and forget the stored token (--all: every session)
    Logout(account::LogoutArgs),
    /// List your open sessions, or end one
    Sessions(account::SessionsArgs),
    /// Change your password (your other sessions end)
    Password(account::PasswordArgs),
    /// Delete your account (needs --yes and your password)
    DeleteAccount(account::DeleteArgs),
    /// List your groups, or create, add to and leave them
    Groups(groups::GroupsArgs),
    /// Make an invitation code for a group (admins), or list or revoke them
    Invite(invites::InviteArgs),
    /// Join a group with an invitation code
    Join(invites::JoinArgs),
    /// Remove a member from a group (admins)
    Kick(invites::MemberArgs),
    /// Make a member an admin of a group (--remove: take it back)
    Admin(invites::AdminArgs),
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
    /// Change the text of one of your messages
    Edit(change::EditArgs),
    /// Delete one of your messages
    Delete(change::DeleteArgs),
    /// React to a message with an emoji (or take it back)
    React(change::ReactArgs),
    /// Find messages of a group by their words
    Search(change::SearchArgs),
    /// Print or set a group's topic
    Topic(change::TopicArgs),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    if let Some(Command::Completions(args)) = &cli.command {
        return completions::run(args);
    }
    if let Some(ca) = &cli.ca_cert {
        crate::tls::trust_ca(ca).map_err(|e| CliError::Usage(e.to_string()))?;
    }
    let ctx = Context::load(cli.server.as_deref())?;
    let Some(command) = cli.command else {
        return crate::tui::run(&ctx).await;
    };
    match command {
        Command::Register(args) => auth::register(&ctx, args).await,
        Command::Login(args) => auth::login(&ctx, args).await,
        Command::Logout(args) => account::logout(&ctx, args).await,
        Command::Sessions(args) => account::sessions(&ctx, args).await,
        Command::Password(args) => account::password(&ctx, args).await,
        Command::DeleteAccount(args) => account::delete_account(&ctx, args).await,
        Command::Invite(args) => invites::invite(&ctx, args).await,
        Command::Join(args) => invites::join(&ctx, args).await,
        Command::Kick(args) => invites::kick(&ctx, args).await,
        Command::Admin(args) => invites::admin(&ctx, args).await,
        Command::Groups(args) => groups::run(&ctx, args).await,
        Command::Send(args) => send::run(&ctx, args).await,
        Command::Tail(args) => tail::run(&ctx, args).await,
        Command::History(args) => history::run(&ctx, args).await,
        Command::Commitments(args) => commitments::list(&ctx, args).await,
        Command::Liabilities(args) => commitments::liabilities(&ctx, args).await,
        Command::Revoke(args) => commitments::revoke(&ctx, args).await,
        Command::Whatif(args) => whatif::run(&ctx, args).await,
        Command::Edit(args) => change::edit(&ctx, args).await,
        Command::Delete(args) => change::delete(&ctx, args).await,
        Command::React(args) => change::react(&ctx, args).await,
        Command::Search(args) => change::search(&ctx, args).await,
        Command::Topic(args) => change::topic(&ctx, args).await,
        Command::Completions(args) => completions::run(&args),
    }
}
