//! `quid edit`, `quid delete`, `quid react`, `quid search`, `quid topic`: changing
//! messages after the fact, finding them, and the group's topic.

use clap::Args;
use quid_shared::limits::SEARCH_LIMIT_MAX;

use super::{CliError, Context, output};

/// Arguments of `edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// The seq of your message (`#17` in listings)
    #[arg(value_parser = parse_seq)]
    pub seq: i64,
    /// The new text
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Print the message as JSON
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// The seq of your message
    #[arg(value_parser = parse_seq)]
    pub seq: i64,
}

/// Arguments of `react`.
#[derive(Debug, Args)]
pub struct ReactArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// The seq of the message
    #[arg(value_parser = parse_seq)]
    pub seq: i64,
    /// The reaction: an emoji or a short word
    pub emoji: String,
    /// Take the reaction back
    #[arg(long)]
    pub remove: bool,
}

/// Arguments of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// Words to find (all of them; the last one as a prefix)
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Most results
    #[arg(long, short = 'n', default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=SEARCH_LIMIT_MAX as i64))]
    pub limit: u32,
    /// One JSON object per line
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `topic`.
#[derive(Debug, Args)]
pub struct TopicArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// The new topic; without it, the topic is printed
    pub topic: Vec<String>,
    /// Clear the topic
    #[arg(long, conflicts_with = "topic")]
    pub clear: bool,
}

/// A seq as shown (`#17`) or bare (`17`).
fn parse_seq(text: &str) -> Result<i64, String> {
    text.trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|seq| *seq > 0)
        .ok_or_else(|| format!("{text:?} is not a message seq (e.g. 17 or #17)"))
}

/// Runs `edit`.
pub async fn edit(ctx: &Context, args: EditArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    let message = api
        .edit_message(group.id, args.seq, &args.text.join(" "))
        .await?;
    output::message(&message, &group, args.json)
}

/// Runs `delete`.
pub async fn delete(ctx: &Context, args: DeleteArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    api.delete_message(group.id, args.seq).await?;
    eprintln!("deleted #{}", args.seq);
    Ok(())
}

/// Runs `react`.
pub async fn react(ctx: &Context, args: ReactArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    let message = api
        .react(group.id, args.seq, &args.emoji, args.remove)
        .await?;
    output::message(&message, &group, false)
}

/// Runs `search`.
pub async fn search(ctx: &Context, args: SearchArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    let found = api
        .search(group.id, &args.query.join(" "), args.limit)
        .await?;
    if found.is_empty() && !args.json {
        eprintln!("nothing in {} matches", group.name);
    }
    for message in &found {
        output::message(message, &group, args.json)?;
    }
    Ok(())
}

/// Runs `topic`.
pub async fn topic(ctx: &Context, args: TopicArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    if args.topic.is_empty() && !args.clear {
        return match &group.topic {
            Some(topic) => output::line(topic),
            None => {
                eprintln!("{} has no topic", group.name);
                Ok(())
            }
        };
    }
    let topic = (!args.clear).then(|| args.topic.join(" "));
    let updated = api.set_topic(group.id, topic.as_deref()).await?;
    match updated.topic {
        Some(topic) => eprintln!("topic of {}: {topic}", updated.name),
        None => eprintln!("topic of {} cleared", updated.name),
    }
    Ok(())
}
