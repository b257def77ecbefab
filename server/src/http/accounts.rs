//! `POST /api/auth/register`, `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`.

use std::sync::Arc;

use quid_shared::{AuthResponse, Credentials, User};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::error::ApiError;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::{AuthError, AuthUser, PASSWORD_MAX_BYTES, validate_password, validate_username};
use crate::state::AppState;
use crate::store::users;

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let register = warp::path!("api" / "auth" / "register")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(json_body())
        .then(|state, body| async move { finish(register(state, body).await) });
    let login = warp::path!("api" / "auth" / "login")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(json_body())
        .then(|state, body| async move { finish(login(state, body).await) });
    let me = warp::path!("api" / "me")
        .and(warp::get())
        .and(with_state(state.clone()))
        .and(authenticated(state))
        .then(|state, user| async move { finish(me(state, user).await) });
    let logout = warp::path!("api" / "auth" / "logout")
        .and(warp::post())
        .map(logout);
    register.or(login).unify().or(me).unify().or(logout).unify()
}

async fn register(state: Arc<AppState>, body: Credentials) -> Result<Response, ApiError> {
    validate_username(&body.username).map_err(ApiError::bad_request)?;
    validate_password(&body.password).map_err(ApiError::bad_request)?;
    let hash = state.auth.hasher.hash(body.password).await?;
    let username = body.username;
    let user = state
        .store
        .write(move |ctx| users::insert(ctx.conn(), &username, &hash))
        .await?
        .ok_or_else(|| ApiError::conflict("that username is taken"))?;
    tracing::info!(user = %user.id, username = %user.username, "registered");
    authenticated_response(&state, user, StatusCode::CREATED)
}

async fn login(state: Arc<AppState>, body: Credentials) -> Result<Response, ApiError> {
    // No stored password is longer (registration refuses them), so an overlong one is
    // wrong without a hash being spent on it.
    if body.password.len() > PASSWORD_MAX_BYTES {
        return Err(AuthError::InvalidCredentials.into());
    }
    let username = body.username.clone();
    let stored = state
        .store
        .read(move |conn| users::by_username(conn, &username))
        .await?;
    let (user, hash) = match stored {
        Some(s) => (Some(s.user), Some(s.password_hash)),
        None => (None, None),
    };
    state.auth.hasher.verify(body.password, hash).await?;
    let user = user.ok_or_else(|| ApiError::from(AuthError::InvalidCredentials))?;
    tracing::debug!(user = %user.id, "login");
    authenticated_response(&state, user, StatusCode::OK)
}

/// `{token, user}` with the token also set as an HttpOnly, SameSite=Strict cookie.
fn authenticated_response(
    state: &AppState,
    user: User,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let token = state.auth.tokens.issue(&user.as_ref()).map_err(|e| {
        tracing::error!(error = %e, "cannot sign token");
        ApiError::new(quid_shared::ErrorCode::Internal, "internal error")
    })?;
    let cookie = format!(
        "token={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        state.auth.tokens.ttl().as_secs()
    );
    let mut response = json_status(&AuthResponse { token, user }, status);
    if let Ok(value) = warp::http::HeaderValue::from_str(&cookie) {
        response
            .headers_mut()
            .insert(warp::http::header::SET_COOKIE, value);
    }
    Ok(response)
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

/// `204`, and the `token` cookie cleared: a page cannot clear an HttpOnly cookie itself.
/// Needs no token, so an expired one can be cleared too.
fn logout() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        warp::http::header::SET_COOKIE,
        warp::http::HeaderValue::from_static(
            "token=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        ),
    );
    response
}
