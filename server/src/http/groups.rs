//! Group routes: list mine, create, show, add a member, remove a member (or leave), set
//! the topic, set a member's role.
//!
//! Any member may add members by name and set the topic. A member may remove themself
//! (leave). Admins (the creator is one) may remove members and make members admins; only
//! the creator may remove or demote an admin, and no one can remove the creator but the
//! creator. Changes of members are told live: a `member` frame to the group's connected
//! members, and `added` to the connections of a member just added. A creator's groups have
//! different names.

use std::sync::Arc;

use quid_shared::limits::{GROUP_NAME_MAX, TOPIC_MAX};
use quid_shared::{
    AddMember, CreateGroup, Group, GroupList, Id, MemberChange, MessageKind, Role, ServerFrame,
    SetRole, SetTopic, UserRef,
};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use super::error::ApiError;
use super::{authenticated, finish, json_body, json_status, with_state};
use crate::auth::AuthUser;
use crate::hub::Audience;
use crate::state::AppState;
use crate::store::groups::{self, Membership};
use crate::store::{Draft, users};

/// Longest group description, in characters.
const DESCRIPTION_MAX: usize = 1000;

pub(super) fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let base = with_state(state.clone()).and(authenticated(state));
    let list = warp::path!("api" / "groups")
        .and(warp::get())
        .and(base.clone())
        .then(|s, u| async move { finish(list(s, u).await) });
    let create = warp::path!("api" / "groups")
        .and(warp::post())
        .and(base.clone())
        .and(json_body())
        .then(|s, u, b| async move { finish(create(s, u, b).await) });
    let show = warp::path!("api" / "groups" / Id)
        .and(warp::get())
        .and(base.clone())
        .then(|g, s, u| async move { finish(show(s, u, g).await) });
    let add = warp::path!("api" / "groups" / Id / "members")
        .and(warp::post())
        .and(base.clone())
        .and(json_body())
        .then(|g, s, u, b| async move { finish(add_member(s, u, g, b).await) });
    let remove = warp::path!("api" / "groups" / Id / "members" / Id)
        .and(warp::delete())
        .and(base.clone())
        .then(|g, target, s, u| async move { finish(remove_member(s, u, g, target).await) });
    let topic = warp::path!("api" / "groups" / Id / "topic")
        .and(warp::put())
        .and(base.clone())
        .and(json_body())
        .then(|g, s, u, b| async move { finish(set_topic(s, u, g, b).await) });
    let role = warp::path!("api" / "groups" / Id / "members" / Id / "role")
        .and(warp::put())
        .and(base)
        .and(json_body())
        .then(|g, target, s, u, b| async move { finish(set_role(s, u, g, target, b).await) });
    list.or(create)
        .unify()
        .or(show)
        .unify()
        .or(add)
        .unify()
        .or(remove)
        .unify()
        .or(topic)
        .unify()
        .or(role)
        .unify()
}

/// The caller's standing when the route needs an admin: `Ok(is_creator)`.
pub(super) fn require_admin(
    conn: &crate::store::Conn,
    group: Id,
    user: Id,
) -> Result<bool, ApiError> {
    match groups::role(conn, group, user)? {
        Some(Role::Admin) => {
            let creator = groups::load(conn, group)?.map(|g| g.created_by);
            Ok(creator == Some(user))
        }
        Some(Role::Member) => Err(ApiError::forbidden(
            "only the group's admins can do this (ask its creator to make you one)",
        )),
        None => require_member(groups::membership(conn, group, user)?).map(|()| false),
    }
}

/// Maps a caller's standing to the answer every group route gives.
pub(super) fn require_member(membership: Membership) -> Result<(), ApiError> {
    match membership {
        Membership::Member => Ok(()),
        Membership::NotMember => Err(ApiError::forbidden("you are not a member of this group")),
        Membership::NoGroup => Err(ApiError::not_found("group not found")),
    }
}

async fn list(state: Arc<AppState>, caller: AuthUser) -> Result<Response, ApiError> {
    let groups = state
        .store
        .read(move |conn| groups::list_for_user(conn, caller.id))
        .await?;
    Ok(json_status(&GroupList { groups }, StatusCode::OK))
}

async fn create(
    state: Arc<AppState>,
    caller: AuthUser,
    body: CreateGroup,
) -> Result<Response, ApiError> {
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > GROUP_NAME_MAX {
        return Err(ApiError::bad_request(format!(
            "group name must have 1 to {GROUP_NAME_MAX} characters"
        )));
    }
    let description = body
        .description
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX)
    {
        return Err(ApiError::bad_request(format!(
            "description must have at most {DESCRIPTION_MAX} characters"
        )));
    }
    let group = state
        .store
        .write(move |ctx| -> Result<Group, ApiError> {
            if groups::creator_has_name(ctx.conn(), caller.id, &name)? {
                return Err(ApiError::conflict(format!(
                    "you already have a group named {name}; choose another name"
                )));
            }
            let id = groups::create(ctx.conn(), caller.id, &name, description.as_deref())?;
            groups::load_for(ctx.conn(), id, caller.id)?
                .ok_or_else(|| ApiError::not_found("group not found"))
        })
        .await?;
    tracing::info!(group = %group.id, user = %group.created_by, "group created");
    Ok(json_status(&group, StatusCode::CREATED))
}

async fn show(state: Arc<AppState>, caller: AuthUser, group: Id) -> Result<Response, ApiError> {
    let group = state
        .store
        .read(move |conn| {
            let membership = groups::membership(conn, group, caller.id)?;
            Ok((membership, groups::load_for(conn, group, caller.id)?))
        })
        .await
        .map_err(ApiError::from)
        .and_then(|(membership, group)| {
            require_member(membership)?;
            group.ok_or_else(|| ApiError::not_found("group not found"))
        })?;
    Ok(json_status(&group, StatusCode::OK))
}

async fn add_member(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    body: AddMember,
) -> Result<Response, ApiError> {
    let username = body.username.trim().to_owned();
    let updated = state
        .store
        .write(move |ctx| -> Result<(Group, Group, UserRef), ApiError> {
            require_member(ctx.membership(group, caller.id)?)?;
            let user = users::by_username(ctx.conn(), &username)?
                .ok_or_else(|| ApiError::not_found(format!("no user named {username}")))?;
            if !groups::add_member(ctx.conn(), group, user.user.id)? {
                return Err(ApiError::conflict(format!(
                    "{username} is already a member"
                )));
            }
            let theirs = groups::load_for(ctx.conn(), group, user.user.id)?
                .ok_or_else(|| ApiError::not_found("group not found"))?;
            let ours = groups::load_for(ctx.conn(), group, caller.id)?
                .ok_or_else(|| ApiError::not_found("group not found"))?;
            Ok((theirs, ours, user.user.as_ref()))
        })
        .await?;
    let (theirs, updated, added) = updated;
    tracing::info!(group = %group, by = %caller.id, "member added");
    state.bus.tell(
        added.id,
        &ServerFrame::Added {
            group: theirs.clone(),
        },
        None,
    );
    tell_members(
        &state,
        group,
        MemberChange::Added,
        added,
        Some(caller.as_ref()),
    );
    announce_liabilities(&state, group).await;
    Ok(json_status(&updated, StatusCode::CREATED))
}

async fn remove_member(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    target: Id,
) -> Result<Response, ApiError> {
    let bus = Arc::clone(&state.bus);
    let removed = state
        .store
        .write(move |ctx| -> Result<Option<UserRef>, ApiError> {
            require_member(ctx.membership(group, caller.id)?)?;
            if target != caller.id {
                let caller_is_creator = require_admin(ctx.conn(), group, caller.id)?;
                let creator = groups::load(ctx.conn(), group)?.map(|g| g.created_by);
                if creator == Some(target) {
                    return Err(ApiError::forbidden("the group's creator cannot be removed"));
                }
                let target_role = groups::role(ctx.conn(), group, target)?;
                if target_role == Some(Role::Admin) && !caller_is_creator {
                    return Err(ApiError::forbidden(
                        "only the group's creator can remove an admin",
                    ));
                }
            }
            let who = groups::members(ctx.conn(), group)?
                .into_iter()
                .find(|m| m.id == target);
            if !groups::remove_member(ctx, group, target)? {
                return Err(ApiError::not_found(
                    "that user is not a member of this group",
                ));
            }
            ctx.after_commit(move || bus.remove_user(group, target));
            Ok(who)
        })
        .await?;
    tracing::info!(group = %group, user = %target, by = %caller.id, "member removed");
    if let Some(who) = removed {
        let (change, by) = if target == caller.id {
            (MemberChange::Left, None)
        } else {
            (MemberChange::Removed, Some(caller.as_ref()))
        };
        state.bus.tell(
            target,
            &ServerFrame::Member {
                group,
                change,
                user: who.clone(),
                by: by.clone(),
            },
            None,
        );
        tell_members(&state, group, change, who, by);
    }
    announce_liabilities(&state, group).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Tells the group's connected members (but the one concerned, told apart) how its
/// members changed.
fn tell_members(
    state: &AppState,
    group: Id,
    change: MemberChange,
    user: UserRef,
    by: Option<UserRef>,
) {
    let concerned = user.id;
    let frame = ServerFrame::Member {
        group,
        change,
        user,
        by,
    };
    state
        .bus
        .notify_room(group, &frame, Audience::Except(concerned));
}

/// `PUT /api/groups/:id/topic {topic}`: any member sets (or with an empty topic clears)
/// it; the change is a `topic` message in the group, so history shows it.
async fn set_topic(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    body: SetTopic,
) -> Result<Response, ApiError> {
    let topic = body
        .topic
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if let Some(topic) = &topic {
        if topic.chars().count() > TOPIC_MAX {
            return Err(ApiError::bad_request(format!(
                "a topic has at most {TOPIC_MAX} characters"
            )));
        }
        if topic.chars().any(char::is_control) {
            return Err(ApiError::bad_request("a topic is one line of text"));
        }
    }
    let stored = topic.clone();
    state
        .store
        .write_one(move |ctx| -> Result<(), ApiError> {
            require_member(ctx.membership(group, caller.id)?)?;
            Ok(groups::set_topic(ctx.conn(), group, stored.as_deref())?)
        })
        .await?;
    let content = match &topic {
        Some(topic) => format!("{} set the topic: {topic}", caller.username),
        None => format!("{} cleared the topic", caller.username),
    };
    let draft = Draft {
        author: Some(caller.as_ref()),
        meta: serde_json::json!({ "topic": topic }),
        ..Draft::system(group, MessageKind::Topic, content)
    };
    state.pipeline.submit(draft).await?;
    let updated = state
        .store
        .read(move |conn| groups::load_for(conn, group, caller.id))
        .await?
        .ok_or_else(|| ApiError::not_found("group not found"))?;
    Ok(json_status(&updated, StatusCode::OK))
}

/// `PUT /api/groups/:id/members/:user_id/role {role}`: an admin names an admin; only the
/// creator takes the role away.
async fn set_role(
    state: Arc<AppState>,
    caller: AuthUser,
    group: Id,
    target: Id,
    body: SetRole,
) -> Result<Response, ApiError> {
    let updated = state
        .store
        .write(move |ctx| -> Result<Group, ApiError> {
            let caller_is_creator = require_admin(ctx.conn(), group, caller.id)?;
            let creator = groups::load(ctx.conn(), group)?.map(|g| g.created_by);
            if creator == Some(target) {
                return Err(ApiError::forbidden(
                    "the group's creator is always an admin",
                ));
            }
            if body.role == Role::Member && !caller_is_creator {
                return Err(ApiError::forbidden(
                    "only the group's creator can take the admin role away",
                ));
            }
            if !groups::set_role(ctx.conn(), group, target, body.role)? {
                return Err(ApiError::not_found(
                    "that user is not a member of this group",
                ));
            }
            groups::load(ctx.conn(), group)?.ok_or_else(|| ApiError::not_found("group not found"))
        })
        .await?;
    tracing::info!(group = %group, user = %target, role = body.role.as_str(), by = %caller.id, "role set");
    Ok(json_status(&updated, StatusCode::OK))
}

/// After a change of members: the liabilities it changed are announced in the group. The
/// change itself is done either way, so a failure here is logged, not answered.
pub(super) async fn announce_liabilities(state: &AppState, group: Id) {
    if let Err(e) = state
        .ledger
        .membership_changed(&state.pipeline, group)
        .await
    {
        tracing::error!(group = %group, error = %e, "announcing liabilities after a membership change failed");
    }
}
