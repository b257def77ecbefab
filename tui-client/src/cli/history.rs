//! `quid history`: print a page of a group's past messages, oldest first.

use clap::Args;
use quid_shared::limits;

use super::{CliError, Context, output};

/// Arguments of `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// How many messages (at most 500)
    #[arg(long, short = 'n', default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=limits::HISTORY_LIMIT_MAX as i64))]
    pub limit: u32,
    /// Only messages before this seq
    #[arg(long, value_name = "SEQ")]
    pub before: Option<i64>,
    /// One JSON object per line
    #[arg(long)]
    pub json: bool,
}

/// Runs `history`.
pub async fn run(ctx: &Context, args: HistoryArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    let page = api
        .messages(group.id, None, args.before, Some(args.limit))
        .await?;
    // each message is shown as it is now: its changes are lines of their own only in JSON
    for message in &page.messages {
        if message.kind.is_change() && !args.json {
            continue;
        }
        output::message(message, &group, args.json)?;
    }
    Ok(())
}
