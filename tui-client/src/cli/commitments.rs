//! `quid commitments`, `quid liabilities`, `quid revoke`: what people promised, what they
//! are now bound to do and why (in one group, or everything the caller is bound to in
//! every group), and taking a promise back.

use clap::Args;

use quid_shared::ErrorCode;

use super::{CliError, Context, output};
use crate::api::ApiError;
use crate::present;

/// Arguments of `commitments` and `liabilities`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Group name or id
    #[arg(long, short)]
    pub group: String,
    /// One JSON object per line
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `liabilities`.
#[derive(Debug, Args)]
pub struct LiabilitiesArgs {
    /// Group name or id (default: what you are bound to, in every group)
    #[arg(long, short)]
    pub group: Option<String>,
    /// One JSON object per line (per liability; per group without --group)
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The commitment's id as `quid commitments` shows it (`c4`; `4` and `#4` work too)
    #[arg(value_parser = present::parse_commitment_id)]
    pub id: i64,
}

/// Runs `commitments`.
pub async fn list(ctx: &Context, args: ListArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let group = api.resolve_group(&args.group).await?;
    let list = api
        .commitments(group.id)
        .await
        .map_err(|e| unsupported(e, "commitments"))?;
    if list.commitments.is_empty() && !args.json {
        eprintln!("no commitments in {} yet", group.name);
    }
    for commitment in list.commitments {
        if args.json {
            output::json(&commitment)?;
        } else {
            output::line(&present::commitment(&commitment))?;
        }
    }
    Ok(())
}

/// Runs `liabilities`.
pub async fn liabilities(ctx: &Context, args: LiabilitiesArgs) -> Result<(), CliError> {
    let api = ctx.authed()?;
    let Some(group) = &args.group else {
        return mine(ctx, args.json).await;
    };
    let group = api.resolve_group(group).await?;
    let list = api
        .liabilities(group.id)
        .await
        .map_err(|e| unsupported(e, "liabilities"))?;
    if list.liabilities.is_empty() && !args.json {
        eprintln!("nobody in {} is bound to anything yet", group.name);
    }
    for liability in list.liabilities {
        if args.json {
            output::json(&liability)?;
        } else {
            output::line(&present::liability(&liability))?;
        }
    }
    Ok(())
}

/// `liabilities` without a group: what the caller is bound to, group by group.
async fn mine(ctx: &Context, as_json: bool) -> Result<(), CliError> {
    let mine = ctx
        .authed()?
        .my_liabilities()
        .await
        .map_err(|e| unsupported(e, "liabilities across groups"))?;
    if mine.groups.is_empty() && !as_json {
        return output::line("you are not bound to anything in any group");
    }
    for group in mine.groups {
        if as_json {
            output::json(&group)?;
            continue;
        }
        output::line(&group.name)?;
        for liability in &group.liabilities {
            let why = liability.why.clone().unwrap_or_else(|| {
                present::amount(liability.amount, &liability.unit, &liability.action)
            });
            output::line(&format!("  {why}"))?;
        }
    }
    Ok(())
}

/// Runs `revoke`.
pub async fn revoke(ctx: &Context, args: RevokeArgs) -> Result<(), CliError> {
    let id = args.id;
    ctx.authed()?.revoke(id).await?;
    eprintln!("revoked commitment c{id}");
    Ok(())
}

/// The group exists (it was just resolved), so a 404 here means the server lacks the
/// endpoint: say that rather than "not found".
fn unsupported(error: ApiError, what: &str) -> CliError {
    match error {
        ApiError::Server {
            status,
            code: ErrorCode::NotFound,
            message,
        } => ApiError::Server {
            status,
            code: ErrorCode::NotFound,
            message: format!("this server does not offer {what} ({message})"),
        }
        .into(),
        other => other.into(),
    }
}
