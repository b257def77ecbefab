//! Invitations: a group's admins make codes (`POST /api/groups/:id/invites`), list them
//! (`GET`, codes not shown: only their hash is kept) and revoke them (`DELETE
//! /api/groups/:id/invites/:invite`); anyone logged in joins with one (`POST
//! /api/invites/join`). A revoked, expired or used-up code is refused saying which.

use std::sync::Arc;

use quid_shared::{
    CreateInvite, Group, INVITE_DEFAULT_SECS, INVITE_MAX_SECS, INVITE_MAX_USES, Id, Invite,
    InviteList, JoinInvite,
};
use rand::Rng;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::error::ApiError;
use super::groups::{announce_liabilities, require_admin};
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::AuthUser;
use crate::state::AppState;
use crate::store::invites::{self, NewInvite};
use crate::store::{groups, now_ms};

/// Letters and digits that cannot be misread for one another.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
/// Characters of a code: 22 of 56 is about 127 bits, beyond any guessing.
const CODE_CHARS: usize = 22;
/// Characters of an invitation's public id.
const ID_CHARS: usize = 10;

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let base = with_state(state.clone()).and(authenticated(state));
    let create = warp::path!("api" / "groups" / Id / "invites")
        .and(warp::post())
        .and(base.clone())
        .and(json_body())
        .then(|g, s, u, b| async move { finish(create(s, u, g, b).await) });
    let list = warp::path!("api" / "groups" / Id / "invites")
        .and(warp::get())
        .and(base.clone())
        .then(|g, s, u| async move { finish(list(s, u, g).await) });
    let revoke = warp::path!("api" / "groups" / Id / "invites" / String)
        .and(warp::delete())
        .and(base.clone())
        .then(|g, i, s, u| async move { finish(revoke(s, u, g, i).await) });
    let join = warp::path!("api" / "invites" / "join")
        .and(warp::post())
        .and(base)
        .and(json_body())
        .then(|s, u, b| async move { finish(join(s, u, b).await) });
    create.or(list).unify().or(revoke).unify().or(join).unify()
}

fn random_text(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

async fn create(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    body: CreateInvite,
) -> Result<Response, ApiError> {
    let seconds = body.expires_in.unwrap_or(INVITE_DEFAULT_SECS);
    if seconds == 0 || seconds > INVITE_MAX_SECS {
        return Err(ApiError::bad_request(format!(
            "an invitation lasts from 1 second to {} days",
            INVITE_MAX_SECS / 86_400
        )));
    }
    if body.max_uses.is_some_and(|n| n == 0 || n > INVITE_MAX_USES) {
        return Err(ApiError::bad_request(format!(
            "an invitation allows from 1 to {INVITE_MAX_USES} uses"
        )));
    }
    let code = random_text(CODE_CHARS);
    let id = random_text(ID_CHARS);
    let expires_at = now_ms().saturating_add((seconds as i64).saturating_mul(1000));
    let stored_code = code.clone();
    let mut invite = state
        .store
        .write(move |ctx| -> Result<Invite, ApiError> {
            require_admin(ctx.conn(), group, caller.id)?;
            invites::insert(
                ctx.conn(),
                &NewInvite {
                    id: &id,
                    code: &stored_code,
                    group,
                    created_by: caller.id,
                    expires_at,
                    max_uses: body.max_uses,
                },
            )?;
            invites::by_id(ctx.conn(), group, &id)?
                .ok_or_else(|| ApiError::not_found("invitation not found"))
        })
        .await?;
    tracing::info!(group = %group, invite = %invite.id, by = %invite.created_by.id, "invitation made");
    invite.code = Some(code);
    Ok(json_status(&invite, StatusCode::CREATED))
}

async fn list(state: Arc<AppState>, caller: AuthUser, group: Id) -> Result<Response, ApiError> {
    let invites = state
        .store
        .read(move |conn| {
            Ok((
                require_admin(conn, group, caller.id),
                invites::list(conn, group)?,
            ))
        })
        .await
        .map_err(ApiError::from)
        .and_then(|(admin, invites)| admin.map(|_| invites))?;
    Ok(json_status(&InviteList { invites }, StatusCode::OK))
}

async fn revoke(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    invite: String,
) -> Result<Response, ApiError> {
    state
        .store
        .write(move |ctx| -> Result<(), ApiError> {
            require_admin(ctx.conn(), group, caller.id)?;
            if invites::revoke(ctx.conn(), group, &invite)? {
                Ok(())
            } else if invites::by_id(ctx.conn(), group, &invite)?.is_some() {
                Err(ApiError::conflict("that invitation is already revoked"))
            } else {
                Err(ApiError::not_found(
                    "this group has no invitation with that id",
                ))
            }
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn join(
    state: Arc<AppState>,
    caller: AuthUser,
    body: JoinInvite,
) -> Result<Response, ApiError> {
    let code = body.code.trim().to_owned();
    let joined = state
        .store
        .write(move |ctx| -> Result<Group, ApiError> {
            let invite = invites::by_code(ctx.conn(), &code)?.ok_or_else(|| {
                ApiError::not_found("this invitation code is not valid (was it copied whole?)")
            })?;
            refuse_if_unusable(&invite)?;
            if groups::is_member(ctx.conn(), invite.group, caller.id)? {
                return Err(ApiError::conflict("you are already a member of this group"));
            }
            groups::add_member(ctx.conn(), invite.group, caller.id)?;
            invites::count_use(ctx.conn(), &invite.id)?;
            groups::load(ctx.conn(), invite.group)?
                .ok_or_else(|| ApiError::not_found("group not found"))
        })
        .await?;
    tracing::info!(group = %joined.id, user = %caller.id, "joined by invitation");
    announce_liabilities(&state, joined.id).await;
    Ok(json_status(&joined, StatusCode::OK))
}

/// A revoked, expired or used-up invitation, refused saying which.
fn refuse_if_unusable(invite: &Invite) -> Result<(), ApiError> {
    if invite.revoked {
        return Err(ApiError::forbidden(
            "this invitation was revoked by the group's admins",
        ));
    }
    if invite.expires_at <= time::OffsetDateTime::now_utc() {
        let when = invite
            .expires_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        return Err(ApiError::forbidden(format!(
            "this invitation expired ({when}); ask for a new one"
        )));
    }
    if let Some(max) = invite.max_uses
        && invite.uses >= max
    {
        return Err(ApiError::forbidden(format!(
            "this invitation is used up ({} of {max} uses); ask for a new one",
            invite.uses
        )));
    }
    Ok(())
}
