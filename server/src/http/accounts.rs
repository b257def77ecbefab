//! `POST /api/auth/register`, `POST /api/auth/login`, `POST /api/auth/logout`,
//! `POST /api/auth/logout-all`: accounts and the sessions their tokens belong to. Every
//! password check passes the throttle first ([`crate::auth::throttle`]).

use std::net::IpAddr;
use std::sync::Arc;

use quid_shared::{AuthResponse, Credentials, Id, SessionsEnded, User};
use warp::http::{HeaderMap, StatusCode};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::client::{Client, client};
use super::error::ApiError;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::throttle::Held;
use crate::auth::{AuthError, AuthUser, PASSWORD_MAX_BYTES, token_from_request};
use crate::metrics::{count_login, count_registration, count_sessions_ended};
use crate::state::AppState;
use crate::store::sessions::{self, NewSession};
use crate::store::users;

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let register = warp::path!("api" / "auth" / "register")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(client(state.clone()))
        .and(json_body())
        .then(|state, client, body| async move { finish(register(state, client, body).await) });
    let login = warp::path!("api" / "auth" / "login")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(client(state.clone()))
        .and(json_body())
        .then(|state, client, body| async move { finish(login(state, client, body).await) });
    let logout = warp::path!("api" / "auth" / "logout")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(warp::header::headers_cloned())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .then(|state, headers, query: String| async move {
            finish(logout(state, headers, query).await)
        });
    let logout_all = warp::path!("api" / "auth" / "logout-all")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(authenticated(state))
        .then(|state, user| async move { finish(logout_all(state, user).await) });
    register
        .or(login)
        .unify()
        .or(logout)
        .unify()
        .or(logout_all)
        .unify()
}

async fn register(
    state: Arc<AppState>,
    client: Client,
    body: Credentials,
) -> Result<Response, ApiError> {
    crate::auth::validate_username(&body.username).map_err(ApiError::bad_request)?;
    crate::auth::validate_password(&body.password).map_err(ApiError::bad_request)?;
    if let Err(wait) = state.auth.throttle.begin_registration(client.ip) {
        count_registration("throttled");
        return Err(ApiError::throttled(
            wait.seconds(),
            "too many accounts registered from this address",
        ));
    }
    let hash = state.auth.hasher.hash(body.password).await?;
    let username = body.username;
    let session = new_session(&state, &client);
    let (user, session) = state
        .store
        .write(move |ctx| -> Result<(User, NewSession), ApiError> {
            let user = users::insert(ctx.conn(), &username, &hash)?
                .ok_or_else(|| ApiError::conflict("that username is taken"))?;
            let session = NewSession {
                user: user.id,
                ..session
            };
            sessions::insert(ctx.conn(), &session)?;
            Ok((user, session))
        })
        .await
        .inspect_err(|_| count_registration("refused"))?;
    count_registration("created");
    tracing::info!(user = %user.id, username = %user.username, "registered");
    state
        .auth
        .sessions
        .open(session.id, user.id, session.expires_at);
    authenticated_response(&state, &client, user, session.id, StatusCode::CREATED)
}

async fn login(
    state: Arc<AppState>,
    client: Client,
    body: Credentials,
) -> Result<Response, ApiError> {
    let username = body.username.trim().to_owned();
    let stored = check_password(&state, client.ip, &username, body.password, |conn, name| {
        Ok(users::by_username(conn, name)?.map(|s| (s.user, s.password_hash)))
    })
    .await?;
    let session = NewSession {
        user: stored.id,
        ..new_session(&state, &client)
    };
    let to_write = session.clone();
    state
        .store
        .write_one(move |ctx| sessions::insert(ctx.conn(), &to_write))
        .await?;
    state
        .auth
        .sessions
        .open(session.id, stored.id, session.expires_at);
    tracing::debug!(user = %stored.id, "login");
    authenticated_response(&state, &client, stored, session.id, StatusCode::OK)
}

/// Checks `password` for the account `find` reads (by `key`), behind the throttle: a
/// held-back attempt is answered 429 before any hash is computed; an unknown account
/// costs the same hash as a wrong password.
pub(super) async fn check_password<F>(
    state: &AppState,
    ip: IpAddr,
    key: &str,
    password: String,
    find: F,
) -> Result<User, ApiError>
where
    F: FnOnce(
            &crate::store::Conn,
            &str,
        ) -> Result<Option<(User, String)>, crate::store::StoreError>
        + Send
        + 'static,
{
    if let Err((held, wait)) = state.auth.throttle.begin_login(key, ip) {
        let (label, what) = match held {
            Held::Account => (
                "throttled_account",
                "too many failed logins for this account",
            ),
            Held::Address => (
                "throttled_address",
                "too many failed logins from this address",
            ),
        };
        count_login(label);
        return Err(ApiError::throttled(wait.seconds(), what));
    }
    // No stored password is longer (registration refuses them), so an overlong one is
    // wrong without a hash being spent on it.
    if password.len() > PASSWORD_MAX_BYTES {
        count_login("failed");
        return Err(AuthError::InvalidCredentials.into());
    }
    let owned_key = key.to_owned();
    let stored = state.store.read(move |conn| find(conn, &owned_key)).await?;
    let (user, hash) = match stored {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let verified = state.auth.hasher.verify(password, hash).await;
    match (verified, user) {
        (Ok(()), Some(user)) => {
            count_login("ok");
            state.auth.throttle.login_succeeded(key, ip);
            Ok(user)
        }
        (Err(AuthError::Hashing(e)), _) => Err(AuthError::Hashing(e).into()),
        _ => {
            count_login("failed");
            Err(AuthError::InvalidCredentials.into())
        }
    }
}

/// A session for a login from `client`, of no user yet.
fn new_session(state: &AppState, client: &Client) -> NewSession {
    let ttl_ms = i64::try_from(state.auth.tokens.ttl().as_millis()).unwrap_or(i64::MAX);
    NewSession {
        id: Id::new_v4(),
        user: Id::nil(),
        expires_at: crate::store::now_ms().saturating_add(ttl_ms),
        client: client.agent.clone(),
        address: Some(client.ip.to_string()),
    }
}

/// `{token, user}` with the token also set as an HttpOnly, SameSite=Strict cookie
/// (`Secure` when the request came over TLS).
fn authenticated_response(
    state: &AppState,
    client: &Client,
    user: User,
    session: Id,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let (token, _) = state
        .auth
        .tokens
        .issue(&user.as_ref(), session)
        .map_err(|e| {
            tracing::error!(error = %e, "cannot sign token");
            ApiError::new(quid_shared::ErrorCode::Internal, "internal error")
        })?;
    let secure = if client.secure { "; Secure" } else { "" };
    let cookie = format!(
        "token={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
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

/// `204`: the request's session (if its token is still good) is ended, and the `token`
/// cookie cleared (a page cannot clear an HttpOnly cookie itself). Needs no valid token,
/// so an expired one can be cleared too.
async fn logout(
    state: Arc<AppState>,
    headers: HeaderMap,
    query: String,
) -> Result<Response, ApiError> {
    let token = token_from_request(&headers, Some(query.as_str())).map(str::to_owned);
    let checked = match &token {
        Some(token) => Some(state.authenticate(token).await),
        None => None,
    };
    if let Some(Ok((user, _))) = checked {
        let (id, session) = (user.id, user.session);
        state
            .store
            .write_one(move |ctx| sessions::end(ctx.conn(), id, session))
            .await?;
        state.auth.sessions.end(&[session]);
        count_sessions_ended("logout", 1);
    }
    Ok(cleared_cookie(StatusCode::NO_CONTENT.into_response()))
}

/// Ends every session of the caller, this one included.
async fn logout_all(state: Arc<AppState>, caller: AuthUser) -> Result<Response, ApiError> {
    let ended = end_sessions(&state, caller.id, None, "logout_all").await?;
    let response = json_status(&SessionsEnded { ended }, StatusCode::OK);
    Ok(cleared_cookie(response))
}

/// Ends every open session of `user` but `keep`, in the database and then in memory
/// (closing their sockets); returns how many.
pub(super) async fn end_sessions(
    state: &AppState,
    user: Id,
    keep: Option<Id>,
    reason: &'static str,
) -> Result<usize, ApiError> {
    let ended = state
        .store
        .write_one(move |ctx| sessions::end_all(ctx.conn(), user, keep))
        .await?;
    state.auth.sessions.end(&ended);
    count_sessions_ended(reason, ended.len());
    Ok(ended.len())
}

/// The response with the `token` cookie cleared.
pub(super) fn cleared_cookie(mut response: Response) -> Response {
    response.headers_mut().insert(
        warp::http::header::SET_COOKIE,
        warp::http::HeaderValue::from_static(
            "token=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        ),
    );
    response
}
