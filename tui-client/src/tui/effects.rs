//! What `update` asks the outside world to do, and the one place that does it: commands
//! for the connection manager, and HTTP requests run as tasks whose results come back as
//! [`Event::Api`].

use quid_shared::{CreateGroup, ErrorCode, Id};
use tokio::sync::mpsc::UnboundedSender;

use super::event::{ApiOutcome, Event, RequestError};
use crate::api::{ApiClient, ApiError};
use crate::ws::{WsCommand, WsHandle};

/// A side effect requested by `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Ws(WsCommand),
    Api(ApiRequest),
}

/// An HTTP request the chat makes.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiRequest {
    Groups,
    CreateGroup {
        name: String,
        description: Option<String>,
    },
    AddMember {
        group: Id,
        username: String,
    },
    Leave {
        group: Id,
        me: Id,
    },
    Invite {
        group: Id,
    },
    Kick {
        group: Id,
        user: Id,
        username: String,
    },
    Commitments {
        group: Id,
    },
    Liabilities {
        group: Id,
    },
    Revoke {
        id: i64,
    },
    WhatIf {
        group: Id,
        text: String,
    },
    Older {
        group: Id,
        before: i64,
    },
    Edit {
        group: Id,
        seq: i64,
        content: String,
    },
    Delete {
        group: Id,
        seq: i64,
    },
    React {
        group: Id,
        seq: i64,
        emoji: String,
        remove: bool,
    },
    Topic {
        group: Id,
        topic: Option<String>,
    },
    Search {
        group: Id,
        query: String,
    },
    /// Keep a bell setting in the config file.
    SaveNotify {
        key: String,
        level: crate::config::NotifyLevel,
    },
}

/// Page size when scrolling back past what is loaded.
const OLDER_PAGE: u32 = 100;

/// Carries out effects; never blocks the caller.
pub struct Executor {
    pub api: ApiClient,
    /// The config directory (for `/notify`).
    pub config_dir: std::path::PathBuf,
    pub ws: WsHandle,
    pub events: UnboundedSender<Event>,
}

impl Executor {
    /// Runs each effect: WebSocket commands are queued, HTTP requests spawned.
    pub fn run(&self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Ws(command) => self.ws.command(command),
                Effect::Api(ApiRequest::SaveNotify { key, level }) => {
                    let saved = crate::config::Config::save_notify(&self.config_dir, &key, level)
                        .map_err(|e| RequestError::Failed(e.to_string()));
                    let _ = self.events.send(Event::Api(ApiOutcome::Done {
                        what: format!("notify {level:?} kept for {key}").to_lowercase(),
                        result: saved,
                    }));
                }
                Effect::Api(request) => self.spawn_request(request),
            }
        }
    }

    fn spawn_request(&self, request: ApiRequest) {
        let api = self.api.clone();
        let events = self.events.clone();
        tokio::spawn(async move {
            let outcome = perform(&api, request).await;
            // The chat may have closed meanwhile; then nobody needs the answer.
            let _ = events.send(Event::Api(outcome));
        });
    }
}

async fn perform(api: &ApiClient, request: ApiRequest) -> ApiOutcome {
    match request {
        ApiRequest::Groups => ApiOutcome::Groups(api.groups().await.map_err(request_error)),
        ApiRequest::CreateGroup { name, description } => ApiOutcome::GroupCreated(
            api.create_group(&CreateGroup { name, description })
                .await
                .map_err(request_error),
        ),
        ApiRequest::AddMember { group, username } => {
            let result = api
                .add_member(group, &username)
                .await
                .map_err(request_error);
            ApiOutcome::MemberAdded {
                group,
                username,
                result,
            }
        }
        ApiRequest::Leave { group, me } => ApiOutcome::Left {
            group,
            result: api.remove_member(group, me).await.map_err(request_error),
        },
        ApiRequest::Invite { group } => ApiOutcome::Invited {
            group,
            result: api
                .create_invite(group, &Default::default())
                .await
                .map(|invite| invite.code.unwrap_or_default())
                .map_err(request_error),
        },
        ApiRequest::Kick {
            group,
            user,
            username,
        } => ApiOutcome::Kicked {
            group,
            username,
            result: api.remove_member(group, user).await.map_err(request_error),
        },
        ApiRequest::Commitments { group } => ApiOutcome::Commitments {
            group,
            result: api
                .commitments(group)
                .await
                .map(|l| l.commitments)
                .map_err(pane_error),
        },
        ApiRequest::Liabilities { group } => ApiOutcome::Liabilities {
            group,
            result: api
                .liabilities(group)
                .await
                .map(|l| l.liabilities)
                .map_err(pane_error),
        },
        ApiRequest::Revoke { id } => ApiOutcome::Revoked {
            id,
            result: api.revoke(id).await.map_err(request_error),
        },
        ApiRequest::WhatIf { group, text } => ApiOutcome::WhatIf {
            group,
            result: api.whatif(group, &text).await.map_err(pane_error),
            text,
        },
        ApiRequest::Edit {
            group,
            seq,
            content,
        } => done(
            format!("edited #{seq}"),
            api.edit_message(group, seq, &content).await.map(drop),
        ),
        ApiRequest::Delete { group, seq } => done(
            format!("deleted #{seq}"),
            api.delete_message(group, seq).await,
        ),
        ApiRequest::React {
            group,
            seq,
            emoji,
            remove,
        } => done(
            String::new(),
            api.react(group, seq, &emoji, remove).await.map(drop),
        ),
        ApiRequest::Topic { group, topic } => done(
            match &topic {
                Some(_) => "topic set".to_owned(),
                None => "topic cleared".to_owned(),
            },
            api.set_topic(group, topic.as_deref()).await.map(drop),
        ),
        ApiRequest::Search { group, query } => ApiOutcome::Found {
            group,
            result: api.search(group, &query, 50).await.map_err(request_error),
            query,
        },
        ApiRequest::SaveNotify { .. } => ApiOutcome::Done {
            what: String::new(),
            result: Ok(()),
        },
        ApiRequest::Older { group, before } => ApiOutcome::Older {
            group,
            result: api
                .messages(group, None, Some(before), Some(OLDER_PAGE))
                .await
                .map_err(request_error),
        },
    }
}

fn done(what: String, result: Result<(), ApiError>) -> ApiOutcome {
    ApiOutcome::Done {
        what,
        result: result.map_err(request_error),
    }
}

fn request_error(error: ApiError) -> RequestError {
    RequestError::Failed(error.to_string())
}

/// For the side pane, whose group exists: a 404 means the server lacks the endpoint.
fn pane_error(error: ApiError) -> RequestError {
    match error.code() {
        Some(ErrorCode::NotFound) => RequestError::Unsupported,
        _ => request_error(error),
    }
}
