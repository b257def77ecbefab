//! `quid send`: post one message (from the arguments or stdin) and print it as stored.

use std::io::{IsTerminal, Read};

use clap::Args;
use quid_shared::{PostMessage, limits};

use super::{CliError, Context, output};

/// Arguments of `send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// Make the message private to this member (username or id)
    #[arg(long)]
    pub to: Option<String>,
    /// Reply to this message (its id; a reply to a question of the server answers it)
    #[arg(long, value_name = "ID")]
    pub reply_to: Option<i64>,
    /// Print the stored message as JSON
    #[arg(long)]
    pub json: bool,
    /// The text; read from stdin when absent
    pub text: Vec<String>,
}

/// Runs `send`.
pub async fn run(ctx: &Context, args: SendArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let content = if args.text.is_empty() {
        read_stdin().await?
    } else {
        args.text.join(" ")
    };
    let content = content.trim_end_matches(['\r', '\n']).to_owned();
    check_length(&content)?;
    let group = api.resolve_group(&args.group).await?;
    let message = api
        .post_message(&PostMessage {
            group_id: group.id,
            content,
            client_id: Some(uuid::Uuid::new_v4().to_string()),
            reply_to: args.reply_to,
            to: args.to,
        })
        .await?;
    output::message(&message, &group, args.json)?;
    if message.kind != quid_shared::MessageKind::ClarificationResponse {
        hint_open_question(api, &group).await;
    }
    Ok(())
}

/// One line on stderr when the server has asked the author something in this group that
/// is still unanswered, so a script's user knows their next message may be read as the
/// answer. Best effort: a failure to ask is not the send's failure.
async fn hint_open_question(api: &crate::api::ApiClient, group: &quid_shared::Group) {
    if let Ok(Some(question)) = api.open_question(group.id).await {
        let reply = question
            .message
            .map(|id| format!(" --reply-to {id}"))
            .unwrap_or_default();
        eprintln!(
            "quid asked you in {}: {} (answer with: quid send -g {}{reply} '…')",
            group.name,
            output::printable(&question.text),
            group.name,
        );
    }
}

async fn read_stdin() -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "no text: give it as arguments or pipe it in (echo hi | quid send -g team)".into(),
        ));
    }
    tokio::task::spawn_blocking(|| {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    })
    .await
    .map_err(|e| CliError::Failed(format!("reading stdin failed: {e}")))?
    .map_err(CliError::Io)
}

fn check_length(content: &str) -> Result<(), CliError> {
    let chars = content.trim().chars().count();
    if chars < limits::MIN_CONTENT_CHARS {
        return Err(CliError::Usage("the message is empty".into()));
    }
    if content.chars().count() > limits::MAX_CONTENT_CHARS {
        return Err(CliError::Usage(format!(
            "the message is longer than {} characters",
            limits::MAX_CONTENT_CHARS
        )));
    }
    Ok(())
}
