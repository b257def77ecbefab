//! Commitment routes: list and create a group's commitments (structured JSON, validated),
//! change or revoke one (its creator only) and read its history, and the group's current
//! liabilities with, per entry, the commitments that make it binding and why; the caller's
//! open clarification question. Every group route checks membership.

use std::sync::Arc;

use quid_shared::{
    CommitmentHistory, CommitmentList, CreateCommitment, Id, LiabilityList, QuestionReply,
};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::error::ApiError;
use super::groups::require_member;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::AuthUser;
use crate::commitments::Terms;
use crate::ledger::{LedgerError, Source};
use crate::state::AppState;
use crate::store::groups;

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let base = with_state(state.clone()).and(authenticated(state));
    let list = warp::path!("api" / "groups" / Id / "commitments")
        .and(warp::get())
        .and(base.clone())
        .then(|g, s, u| async move { finish(list(s, u, g).await) });
    let create = warp::path!("api" / "groups" / Id / "commitments")
        .and(warp::post())
        .and(base.clone())
        .and(json_body())
        .then(|g, s, u, b| async move { finish(create(s, u, g, b).await) });
    let revoke = warp::path!("api" / "commitments" / i64)
        .and(warp::delete())
        .and(base.clone())
        .then(|id, s, u| async move { finish(revoke(s, u, id).await) });
    let change = warp::path!("api" / "commitments" / i64)
        .and(warp::put())
        .and(base.clone())
        .and(json_body())
        .then(|id, s, u, b| async move { finish(change(s, u, id, b).await) });
    let history = warp::path!("api" / "commitments" / i64 / "history")
        .and(warp::get())
        .and(base.clone())
        .then(|id, s, u| async move { finish(history(s, u, id).await) });
    let liabilities = warp::path!("api" / "groups" / Id / "liabilities")
        .and(warp::get())
        .and(base.clone())
        .then(|g, s, u| async move { finish(liabilities(s, u, g).await) });
    let question = warp::path!("api" / "groups" / Id / "question")
        .and(warp::get())
        .and(base)
        .then(|g, s, u| async move { finish(question(s, u, g).await) });
    list.or(create)
        .unify()
        .or(revoke)
        .unify()
        .or(change)
        .unify()
        .or(history)
        .unify()
        .or(liabilities)
        .unify()
        .or(question)
        .unify()
}

/// Answers forbidden / not found unless the caller is a member of `group`.
async fn member_only(state: &AppState, caller: &AuthUser, group: Id) -> Result<(), ApiError> {
    let user = caller.id;
    let membership = state
        .store
        .read(move |conn| groups::membership(conn, group, user))
        .await?;
    require_member(membership)
}

async fn list(state: Arc<AppState>, caller: AuthUser, group: Id) -> Result<Response, ApiError> {
    member_only(&state, &caller, group).await?;
    let commitments = state.ledger.list(group).await?;
    Ok(json_status(&CommitmentList { commitments }, StatusCode::OK))
}

async fn create(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    body: CreateCommitment,
) -> Result<Response, ApiError> {
    let (terms, source) = from_api(body);
    let commitment = state
        .ledger
        .create(&state.pipeline, group, caller.as_ref(), terms, source)
        .await?;
    Ok(json_status(&commitment, StatusCode::CREATED))
}

/// A commitment as the API gives it: its terms, and where they came from.
fn from_api(body: CreateCommitment) -> (Terms, Source) {
    let terms = Terms {
        conditions: body.conditions,
        promises: body.promises,
    };
    let source = Source {
        text: body.source_text,
        message: None,
        reader: Some("api"),
    };
    (terms, source)
}

async fn revoke(state: Arc<AppState>, caller: AuthUser, id: i64) -> Result<Response, ApiError> {
    let revoked = state
        .ledger
        .revoke(&state.pipeline, id, caller.id, None)
        .await?;
    Ok(json_status(&revoked, StatusCode::OK))
}

/// `PUT /api/commitments/:id`: new terms for one of the caller's commitments.
async fn change(
    state: Arc<AppState>,
    caller: AuthUser,
    id: i64,
    body: CreateCommitment,
) -> Result<Response, ApiError> {
    let (terms, source) = from_api(body);
    let changed = state
        .ledger
        .change(&state.pipeline, id, caller.as_ref(), terms, source)
        .await?;
    Ok(json_status(&changed, StatusCode::OK))
}

async fn history(state: Arc<AppState>, caller: AuthUser, id: i64) -> Result<Response, ApiError> {
    let versions = state.ledger.history(id, caller.id).await?;
    Ok(json_status(&CommitmentHistory { versions }, StatusCode::OK))
}

async fn liabilities(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
) -> Result<Response, ApiError> {
    member_only(&state, &caller, group).await?;
    let liabilities = state.ledger.explained(group).await?;
    Ok(json_status(&LiabilityList { liabilities }, StatusCode::OK))
}

/// The caller's open clarification question in `group`, if any.
async fn question(state: Arc<AppState>, caller: AuthUser, group: Id) -> Result<Response, ApiError> {
    member_only(&state, &caller, group).await?;
    state.ledger.sync_question(group, caller.id).await?;
    let question = state.ledger.open_question(group, caller.id);
    Ok(json_status(&QuestionReply { question }, StatusCode::OK))
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> ApiError {
        match e {
            LedgerError::GroupNotFound => ApiError::not_found("group not found"),
            LedgerError::NotMember => ApiError::forbidden("you are not a member of this group"),
            LedgerError::Invalid(reason) => ApiError::bad_request(reason.to_string()),
            LedgerError::NotFound => ApiError::not_found("commitment not found"),
            LedgerError::NotCreator => {
                ApiError::forbidden("only its creator can change or revoke a commitment")
            }
            LedgerError::AlreadyRevoked => ApiError::conflict("this commitment is already revoked"),
            LedgerError::Store(store) => ApiError::from(store),
            LedgerError::Pipeline(pipeline) => ApiError::from(pipeline),
            LedgerError::Unsolvable(e) => {
                tracing::error!(error = %e, "stored commitments cannot be solved");
                ApiError::new(quid_shared::ErrorCode::Internal, "internal error")
            }
        }
    }
}
