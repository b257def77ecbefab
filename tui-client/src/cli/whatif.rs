//! `quid whatif -g team "If Bob does 3h, I'll do 2h"`: how the offer would read and the
//! liabilities before → after, without storing or sending anything.

use clap::Args;

use super::{CliError, Context, output};
use crate::present;

/// Arguments of `whatif`.
#[derive(Debug, Args)]
pub struct WhatIfArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// The whole answer as one JSON object
    #[arg(long)]
    pub json: bool,
    /// The offer, as you would write it in the chat
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
}

/// Runs `whatif`.
pub async fn run(ctx: &Context, args: WhatIfArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    let text = args.text.join(" ");
    if text.trim().is_empty() {
        return Err(CliError::Usage(
            "give the offer to try, e.g. \"I'll do 2h\"".into(),
        ));
    }
    let answer = api.whatif(group.id, &text).await?;
    if args.json {
        return output::json(&answer);
    }
    for line in present::whatif(&answer) {
        output::line(&line)?;
    }
    Ok(())
}
