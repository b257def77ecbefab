//! `quid groups`: list your groups; `create`, `add-member`, `leave`.

use clap::{Args, Subcommand};
use quid_shared::{CreateGroup, Group};

use super::{CliError, Context, output};

/// Arguments of `groups`.
#[derive(Debug, Args)]
pub struct GroupsArgs {
    #[command(subcommand)]
    pub action: Option<GroupsAction>,
    /// Print one JSON object per group
    #[arg(long, global = true)]
    pub json: bool,
}

/// What to do with groups (default: list them).
#[derive(Debug, Subcommand)]
pub enum GroupsAction {
    /// List your groups (the default)
    List,
    /// Create a group; you become its first member
    Create {
        /// The group's name
        name: String,
        /// A line saying what the group is for
        #[arg(long, short)]
        description: Option<String>,
    },
    /// Add a user to a group you are in
    AddMember {
        /// Group name or id
        group: String,
        /// The user to add
        username: String,
    },
    /// Leave a group
    Leave {
        /// Group name or id
        group: String,
    },
    /// Your groups' names, one per line (what shell completion offers after -g)
    #[command(hide = true)]
    Names,
}

/// Runs `groups …`.
pub async fn run(ctx: &Context, args: GroupsArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    match args.action.unwrap_or(GroupsAction::List) {
        GroupsAction::Names => {
            for group in api.groups().await? {
                output::line(&group.name)?;
            }
            Ok(())
        }
        GroupsAction::List => {
            for group in api.groups().await? {
                print_group(&group, args.json)?;
            }
            Ok(())
        }
        GroupsAction::Create { name, description } => {
            let group = api.create_group(&CreateGroup { name, description }).await?;
            print_group(&group, args.json)
        }
        GroupsAction::AddMember { group, username } => {
            let group = api.resolve_group(&group).await?;
            api.add_member(group.id, &username).await?;
            eprintln!("added {username} to {}", group.name);
            Ok(())
        }
        GroupsAction::Leave { group } => {
            let group = api.resolve_group(&group).await?;
            let me = api.me().await?;
            api.remove_member(group.id, me.id).await?;
            eprintln!("left {}", group.name);
            Ok(())
        }
    }
}

fn print_group(group: &Group, as_json: bool) -> Result<(), CliError> {
    if as_json {
        return output::json(group);
    }
    let members: Vec<&str> = group.members.iter().map(|m| m.username.as_str()).collect();
    let unread = if group.unread > 0 {
        format!("\t{} unread", group.unread)
    } else {
        String::new()
    };
    output::line(&format!(
        "{}\t{}\tlatest #{}\t{}{unread}",
        group.name,
        group.id,
        group.head,
        members.join(", ")
    ))
}
