//! `quid tail`: follow a group live. Reconnects on its own and resumes from the last seq
//! printed, so the output has no gap and no duplicate across drops and server restarts;
//! a server that is down when it starts is waited for. `--notify-cmd` runs a program for
//! each message that mentions the user or is private to them.

use clap::Args;
use quid_shared::ErrorCode;
use tokio::sync::mpsc;

use super::{CliError, Context, output};
use crate::api::ApiError;
use crate::notify;
use crate::ws::{self, ConnState, WsCommand, WsEvent};

/// Arguments of `tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// First print the messages after this seq (0 = the whole history)
    #[arg(long, value_name = "SEQ")]
    pub since: Option<i64>,
    /// One JSON object per line
    #[arg(long)]
    pub json: bool,
    /// Run this program for each message that mentions you or is private to you, e.g.
    /// `notify-send`: split at spaces, no shell; the text is its last argument, and
    /// QUID_GROUP and QUID_AUTHOR are set
    #[arg(long, value_name = "CMD")]
    pub notify_cmd: Option<String>,
}

/// How long `tail` waits before asking a server that was down again.
const RETRY_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// The group and the user, asked of the server until it answers (a server that is down
/// is waited for; anything else fails).
async fn resolve(
    api: &crate::api::ApiClient,
    name: &str,
) -> Result<(quid_shared::Group, quid_shared::User), CliError> {
    let mut said = false;
    loop {
        let answer = async { Ok::<_, ApiError>((api.resolve_group(name).await?, api.me().await?)) };
        match answer.await {
            Ok(found) => return Ok(found),
            Err(ApiError::Unreachable { server, reason }) => {
                if !said {
                    eprintln!(
                        "quid: cannot reach the server at {server} ({reason}); retrying until it answers"
                    );
                    said = true;
                }
            }
            Err(other) => return Err(other.into()),
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Err(CliError::OutputClosed),
            _ = tokio::time::sleep(RETRY_EVERY) => {}
        }
    }
}

/// Runs `tail` until interrupted, the output is closed, the server refuses us, or we are
/// no longer a member of the group.
pub async fn run(ctx: &Context, args: TailArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let token = api.token().ok_or(CliError::NotLoggedIn)?;
    let (group, me) = resolve(api, &args.group).await?;
    let notify = args
        .notify_cmd
        .as_deref()
        .map(notify::Notifier::parse)
        .transpose()?;
    let (events, mut rx) = mpsc::unbounded_channel::<WsEvent>();
    let connection = ws::spawn(api.server(), token, events);
    connection.command(WsCommand::Join {
        group: group.id,
        since: args.since,
    });
    let mut printer = StatePrinter::default();
    let closed = output_closed();
    tokio::pin!(closed);
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            () = &mut closed => return Err(CliError::OutputClosed),
            event = rx.recv() => match event {
                None => return Err(CliError::Failed("the connection task stopped".into())),
                Some(WsEvent::Message(message)) if message.group == group.id => {
                    output::message(&message, &group, args.json)?;
                    if let Some(notify) = &notify
                        && notify::concerns(&message, &me.as_ref())
                    {
                        notify.run(&message, &group);
                    }
                }
                Some(WsEvent::State(state)) => printer.show(&state)?,
                Some(WsEvent::Removed { group: gone }) if gone == group.id => {
                    return Err(no_longer_member(&group.name));
                }
                Some(WsEvent::Error { code, message, .. }) => match code {
                    ErrorCode::Forbidden | ErrorCode::NotFound | ErrorCode::Unauthorized => {
                        return Err(ApiError::Server { status: code.http_status(), code, message }.into());
                    }
                    _ => eprintln!("quid: server error: {message}"),
                },
                Some(_) => {}
            },
        }
    }
}

/// Resolves once nobody reads our output any more (`quid tail | head -3` after `head`
/// exits, or a closed terminal), so that `tail` ends then and not when the next message
/// fails to print. Never resolves where that cannot be watched (e.g. output to a file).
#[cfg(unix)]
async fn output_closed() {
    use std::os::fd::AsFd;
    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;

    // The kernel reports an error condition on a pipe's writing end once its reader is
    // gone. A duplicate of the descriptor is watched: nothing about stdout changes.
    let watched = std::io::stdout().as_fd().try_clone_to_owned().ok();
    // SAFETY: the `AsyncFd` owns the duplicate, which stays open (and the same file
    // description) until the `AsyncFd` drops it.
    let watched =
        watched.and_then(|fd| unsafe { AsyncFd::register_with_interest(fd, Interest::ERROR) }.ok());
    if let Some(fd) = watched {
        while let Ok(mut ready) = fd.ready(Interest::ERROR).await {
            if ready.ready().is_error() {
                return;
            }
            ready.clear_ready();
        }
    }
    std::future::pending().await
}

#[cfg(not(unix))]
async fn output_closed() {
    std::future::pending().await
}

/// The server ended our subscription because the membership ended: fails like any
/// request to a group one is not a member of (exit code 4).
fn no_longer_member(group: &str) -> CliError {
    let code = ErrorCode::Forbidden;
    ApiError::Server {
        status: code.http_status(),
        code,
        message: format!("you are no longer a member of {group}"),
    }
    .into()
}

/// Reports connection changes on stderr once each (not every second of a countdown).
#[derive(Default)]
struct StatePrinter {
    connected_before: bool,
    reconnecting: bool,
}

impl StatePrinter {
    fn show(&mut self, state: &ConnState) -> Result<(), CliError> {
        match state {
            ConnState::Connecting => {}
            ConnState::Connected => {
                if self.connected_before {
                    eprintln!("quid: connected again; catching up");
                }
                self.connected_before = true;
                self.reconnecting = false;
            }
            ConnState::Reconnecting { in_secs, reason } => {
                if !self.reconnecting {
                    eprintln!("quid: connection lost ({reason}); reconnecting in {in_secs}s");
                }
                self.reconnecting = true;
            }
            ConnState::Offline { reason } => return Err(CliError::Refused(reason.clone())),
        }
        Ok(())
    }
}
