//! `quid logout`, `quid sessions`, `quid password`, `quid delete-account`: the account's
//! sessions on the server and the account itself.

use std::io::IsTerminal;

use clap::{Args, Subcommand};
use quid_shared::{ChangePassword, DeleteAccount, Id};

use super::auth::{ENV_PASSWORD, blocking, prompt_hidden, read_stdin_line};
use super::{CliError, Context, output};

/// Environment variable a script can put the new password in (`quid password`).
const ENV_NEW_PASSWORD: &str = "QUID_NEW_PASSWORD";

/// Arguments of `logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// End every session of the account, on every device
    #[arg(long)]
    pub all: bool,
}

/// `quid logout`: ends the session on the server, then forgets the token. The token is
/// forgotten even when the server cannot be reached (then the failure is reported: the
/// session stays open there until it expires or is ended from another device).
pub async fn logout(ctx: &Context, args: LogoutArgs) -> Result<(), CliError> {
    let mut failure = None;
    if ctx.api.token().is_some() {
        let ended = if args.all {
            ctx.api.logout_all().await.map(Some)
        } else {
            ctx.api.logout().await.map(|()| None)
        };
        match ended {
            Ok(Some(n)) => eprintln!("ended {n} session(s) on {}", ctx.api.server()),
            Ok(None) => eprintln!("session ended on {}", ctx.api.server()),
            // the server refuses the token already: nothing left to end there
            Err(e) if e.code() == Some(quid_shared::ErrorCode::Unauthorized) => {}
            Err(e) => failure = Some(e),
        }
    }
    if ctx.config.remove_token()? {
        eprintln!("logged out (removed {})", ctx.config.token_path().display());
    } else if ctx.api.token().is_none() {
        eprintln!("not logged in; nothing to do");
    }
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// Arguments of `sessions`.
#[derive(Debug, Args)]
pub struct SessionsArgs {
    #[command(subcommand)]
    pub action: Option<SessionsAction>,
    /// Print one JSON object per session
    #[arg(long, global = true)]
    pub json: bool,
}

/// What to do with sessions (default: list them).
#[derive(Debug, Subcommand)]
pub enum SessionsAction {
    /// List your open sessions (the default); `*` marks this one
    List,
    /// End one session (its devices are logged out, their connections closed)
    End {
        /// The session's id, as listed
        id: Id,
    },
}

/// `quid sessions [list | end ID]`.
pub async fn sessions(ctx: &Context, args: SessionsArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    match args.action.unwrap_or(SessionsAction::List) {
        SessionsAction::List => {
            for session in api.sessions().await? {
                if args.json {
                    output::json(&session)?;
                    continue;
                }
                let mark = if session.current { "*" } else { " " };
                output::line(&format!(
                    "{mark} {}\tsince {}\tfrom {}\t{}",
                    session.id,
                    crate::timefmt::date_clock(session.created_at),
                    session.address.as_deref().unwrap_or("?"),
                    session.client.as_deref().unwrap_or("")
                ))?;
            }
            Ok(())
        }
        SessionsAction::End { id } => {
            api.end_session(id).await?;
            eprintln!("session {id} ended");
            Ok(())
        }
    }
}

/// Arguments of `password` and `delete-account`.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// Read the password(s) from stdin: the current one on the first line (and the new one
    /// on the second, for `password`) [else env QUID_PASSWORD / QUID_NEW_PASSWORD, else asked]
    #[arg(long)]
    pub password_stdin: bool,
}

/// `quid password`: changes the password; every other session ends.
pub async fn password(ctx: &Context, args: PasswordArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let (old_password, new_password) = if args.password_stdin {
        blocking(|| {
            let old = read_stdin_line()?;
            let new = read_stdin_line()?;
            Ok(format!("{old}\n{new}"))
        })
        .await?
        .split_once('\n')
        .map(|(o, n)| (o.to_owned(), n.to_owned()))
        .unwrap_or_default()
    } else {
        let old = secret(ENV_PASSWORD, "current password: ").await?;
        let new = secret(ENV_NEW_PASSWORD, "new password: ").await?;
        (old, new)
    };
    if new_password.is_empty() {
        return Err(CliError::Usage("no new password given".into()));
    }
    api.change_password(&ChangePassword {
        old_password,
        new_password,
    })
    .await?;
    eprintln!("password changed; your other sessions were ended");
    Ok(())
}

/// Arguments of `delete-account`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Confirm: the account is deleted for good (its messages stay, as "deleted user")
    #[arg(long)]
    pub yes: bool,
}

/// `quid delete-account --yes`.
pub async fn delete_account(ctx: &Context, args: DeleteArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    if !args.yes {
        return Err(CliError::Usage(
            "this deletes your account for good (you leave every group; your messages stay, \
             shown as from \"deleted user\"): add --yes to confirm"
                .into(),
        ));
    }
    let password = if args.password.password_stdin {
        blocking(read_stdin_line).await?
    } else {
        secret(ENV_PASSWORD, "password: ").await?
    };
    api.delete_account(&DeleteAccount { password }).await?;
    ctx.config.remove_token()?;
    eprintln!("account deleted");
    Ok(())
}

/// A secret from `env`, else asked for without echo on a terminal.
async fn secret(env: &'static str, prompt: &'static str) -> Result<String, CliError> {
    if let Some(value) = std::env::var(env).ok().filter(|p| !p.is_empty()) {
        return Ok(value);
    }
    if std::io::stdin().is_terminal() {
        return blocking(move || prompt_hidden(prompt)).await;
    }
    Err(CliError::Usage(format!(
        "no password: use --password-stdin or set {env}"
    )))
}
