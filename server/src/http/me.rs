//! The caller's own account: `GET /api/me`, its sessions (`GET /api/me/sessions`,
//! `DELETE /api/me/sessions/:id`), `PUT /api/me/password` and `DELETE /api/me`.
//!
//! A password change ends every other session; deleting the account (password again)
//! ends all of them, takes the account out of every group and frees its name. Its
//! messages stay, shown as from "deleted user", so the conversations others had keep
//! their sense and their seq numbers.

use std::sync::Arc;

use quid_shared::{ChangePassword, DeleteAccount, Id, SessionList, User};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::accounts::{check_password, cleared_cookie};
use super::client::{Client, client};
use super::error::ApiError;
use super::groups::announce_liabilities;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::AuthUser;
use crate::metrics::count_sessions_ended;
use crate::state::AppState;
use crate::store::{groups, sessions, users};

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let base = with_state(state.clone()).and(authenticated(state.clone()));
    let me = warp::path!("api" / "me")
        .and(warp::get())
        .and(base.clone())
        .then(|state, user| async move { finish(me(state, user).await) });
    let delete = warp::path!("api" / "me")
        .and(warp::delete())
        .and(base.clone())
        .and(client(state.clone()))
        .and(json_body())
        .then(|s, u, c, b| async move { finish(delete_account(s, u, c, b).await) });
    let password = warp::path!("api" / "me" / "password")
        .and(warp::put())
        .and(base.clone())
        .and(client(state))
        .and(json_body())
        .then(|s, u, c, b| async move { finish(change_password(s, u, c, b).await) });
    let list = warp::path!("api" / "me" / "sessions")
        .and(warp::get())
        .and(base.clone())
        .then(|s, u| async move { finish(list_sessions(s, u).await) });
    let end = warp::path!("api" / "me" / "sessions" / Id)
        .and(warp::delete())
        .and(base)
        .then(|id, s, u| async move { finish(end_session(s, u, id).await) });
    me.or(delete)
        .unify()
        .or(password)
        .unify()
        .or(list)
        .unify()
        .or(end)
        .unify()
}

async fn me(state: Arc<AppState>, caller: AuthUser) -> Result<Response, ApiError> {
    let id = caller.id;
    let user = state
        .store
        .read(move |conn| users::by_id(conn, id))
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| ApiError::unauthorized("this account no longer exists"))?;
    Ok(json_status(&user, StatusCode::OK))
}

/// Checks the caller's own password (throttled like a login).
async fn confirm(
    state: &AppState,
    caller: &AuthUser,
    client: &Client,
    password: String,
) -> Result<User, ApiError> {
    let id = caller.id;
    check_password(
        state,
        client.ip,
        &caller.username,
        password,
        move |conn, _| {
            let user = users::by_id(conn, id)?;
            let hash = users::password_hash(conn, id)?;
            Ok(user.zip(hash))
        },
    )
    .await
}

async fn change_password(
    state: Arc<AppState>,
    caller: AuthUser,
    client: Client,
    body: ChangePassword,
) -> Result<Response, ApiError> {
    crate::auth::validate_password(&body.new_password).map_err(ApiError::bad_request)?;
    confirm(&state, &caller, &client, body.old_password).await?;
    let hash = state.auth.hasher.hash(body.new_password).await?;
    let (id, keep) = (caller.id, caller.session);
    let ended = state
        .store
        .write(move |ctx| -> Result<Vec<Id>, ApiError> {
            users::set_password(ctx.conn(), id, &hash)?;
            Ok(sessions::end_all(ctx.conn(), id, Some(keep))?)
        })
        .await?;
    state.auth.sessions.end(&ended);
    count_sessions_ended("password", ended.len());
    tracing::info!(user = %id, ended = ended.len(), "password changed");
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn delete_account(
    state: Arc<AppState>,
    caller: AuthUser,
    client: Client,
    body: DeleteAccount,
) -> Result<Response, ApiError> {
    confirm(&state, &caller, &client, body.password).await?;
    let id = caller.id;
    let bus = Arc::clone(&state.bus);
    let (left, ended) = state
        .store
        .write(move |ctx| -> Result<(Vec<Id>, Vec<Id>), ApiError> {
            let left = groups::ids_of_member(ctx.conn(), id)?;
            for group in &left {
                groups::remove_member(ctx, *group, id)?;
                groups::ensure_admin(ctx.conn(), *group)?;
            }
            let ended = sessions::end_all(ctx.conn(), id, None)?;
            users::mark_deleted(ctx.conn(), id)?;
            let rooms = left.clone();
            ctx.after_commit(move || {
                for group in rooms {
                    bus.remove_user(group, id);
                }
            });
            Ok((left, ended))
        })
        .await?;
    state.auth.sessions.end(&ended);
    count_sessions_ended("deleted", ended.len());
    tracing::info!(user = %id, groups = left.len(), "account deleted");
    for group in left {
        announce_liabilities(&state, group).await;
    }
    Ok(cleared_cookie(StatusCode::NO_CONTENT.into_response()))
}

async fn list_sessions(state: Arc<AppState>, caller: AuthUser) -> Result<Response, ApiError> {
    let (id, current) = (caller.id, caller.session);
    let sessions = state
        .store
        .read(move |conn| sessions::list(conn, id, current))
        .await?;
    Ok(json_status(&SessionList { sessions }, StatusCode::OK))
}

/// Ends one of the caller's sessions (any of them, this one included).
async fn end_session(
    state: Arc<AppState>,
    caller: AuthUser,
    session: Id,
) -> Result<Response, ApiError> {
    let id = caller.id;
    let ended = state
        .store
        .write_one(move |ctx| sessions::end(ctx.conn(), id, session))
        .await?;
    if !ended {
        return Err(ApiError::not_found("you have no open session with that id"));
    }
    state.auth.sessions.end(&[session]);
    count_sessions_ended("revoked", 1);
    Ok(StatusCode::NO_CONTENT.into_response())
}
