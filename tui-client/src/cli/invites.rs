//! `quid invite`, `quid join`, `quid kick`, `quid admin`: invitations and member roles.

use clap::Args;
use quid_shared::{CreateInvite, Group, Invite, Role, UserRef};

use super::{CliError, Context, output};
use crate::api::ApiClient;

/// Arguments of `invite`.
#[derive(Debug, Args)]
pub struct InviteArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// How many people may join with it [default: any number until it expires]
    #[arg(long, value_name = "N")]
    pub uses: Option<u32>,
    /// How long it lasts: 30m, 12h, 1d, 7d, … [default: 7d; at most 90d]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_secs)]
    pub expires: Option<u64>,
    /// List the group's invitations instead (codes are not shown again)
    #[arg(long, conflicts_with_all = ["uses", "expires", "revoke"])]
    pub list: bool,
    /// Revoke the invitation with this id instead
    #[arg(long, value_name = "ID")]
    pub revoke: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// Parses `30m`, `12h`, `7d`, `45s` or plain seconds into seconds.
fn parse_duration_secs(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (examples: 30m, 12h, 7d)"))?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => return Err(format!("unknown unit `{other}` (use s, m, h or d)")),
    };
    Ok(n.saturating_mul(scale))
}

/// `quid invite -g GROUP [--uses N] [--expires D] | --list | --revoke ID`.
pub async fn invite(ctx: &Context, args: InviteArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    if args.list {
        for invite in api.invites(group.id).await? {
            if args.json {
                output::json(&invite)?;
            } else {
                output::line(&describe(&invite))?;
            }
        }
        return Ok(());
    }
    if let Some(id) = args.revoke {
        api.revoke_invite(group.id, &id).await?;
        eprintln!("invitation {id} to {} revoked", group.name);
        return Ok(());
    }
    let invite = api
        .create_invite(
            group.id,
            &CreateInvite {
                max_uses: args.uses,
                expires_in: args.expires,
            },
        )
        .await?;
    if args.json {
        return output::json(&invite);
    }
    eprintln!("invitation to {}: {}", group.name, describe(&invite));
    eprintln!("whoever has the code joins with: quid join CODE");
    output::line(invite.code.as_deref().unwrap_or_default())
}

fn describe(invite: &Invite) -> String {
    let uses = match invite.max_uses {
        Some(max) => format!("{} of {max} uses", invite.uses),
        None => format!("{} uses", invite.uses),
    };
    let state = if invite.revoked { "revoked" } else { "open" };
    format!(
        "{}\t{state}\t{uses}\texpires {}\tby {}",
        invite.id,
        crate::timefmt::date_clock(invite.expires_at),
        invite.created_by.username
    )
}

/// Arguments of `join`.
#[derive(Debug, Args)]
pub struct JoinArgs {
    /// The invitation code
    pub code: String,
}

/// `quid join CODE`.
pub async fn join(ctx: &Context, args: JoinArgs) -> Result<(), CliError> {
    let group = ctx.authed()?.join_invite(&args.code).await?;
    eprintln!("joined {}", group.name);
    output::line(&format!("{}\t{}", group.name, group.id))
}

/// Arguments of `kick` and `admin`.
#[derive(Debug, Args)]
pub struct MemberArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// The member
    pub username: String,
}

/// Arguments of `admin`.
#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(flatten)]
    pub member: MemberArgs,
    /// Take the admin role away instead (the creator only)
    #[arg(long)]
    pub remove: bool,
}

/// `quid kick -g GROUP NAME`: removes a member (admins only).
pub async fn kick(ctx: &Context, args: MemberArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let (group, member) = find_member(api, &args).await?;
    api.remove_member(group.id, member.id).await?;
    eprintln!("removed {} from {}", member.username, group.name);
    Ok(())
}

/// `quid admin -g GROUP NAME [--remove]`.
pub async fn admin(ctx: &Context, args: AdminArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let (group, member) = find_member(api, &args.member).await?;
    let role = if args.remove {
        Role::Member
    } else {
        Role::Admin
    };
    api.set_role(group.id, member.id, role).await?;
    let what = if args.remove {
        "is no longer an admin of"
    } else {
        "is now an admin of"
    };
    eprintln!("{} {what} {}", member.username, group.name);
    Ok(())
}

async fn find_member(api: &ApiClient, args: &MemberArgs) -> Result<(Group, UserRef), CliError> {
    let group = api.resolve_group(&args.group).await?;
    let wanted = args.username.trim().trim_start_matches('@');
    let member = group
        .members
        .iter()
        .find(|m| m.username == wanted)
        .cloned()
        .ok_or_else(|| CliError::Usage(format!("{wanted} is not a member of {}", group.name)))?;
    Ok((group, member))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Durations take the documented units and explain bad input.
    #[test]
    fn durations() {
        assert_eq!(parse_duration_secs("1d"), Ok(86_400));
        assert_eq!(parse_duration_secs("30m"), Ok(1800));
        assert_eq!(parse_duration_secs("90"), Ok(90));
        assert!(parse_duration_secs("1w").is_err());
    }
}
