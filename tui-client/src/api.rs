//! A typed client for the server's HTTP API, so the CLI and the chat never build URLs or
//! read error bodies themselves. Every failure becomes an [`ApiError`] that keeps the
//! server's own message.

use std::time::Duration;

use quid_shared::{
    AddMember, AuthResponse, ChangePassword, CommitmentHistory, CommitmentList, CreateGroup,
    CreateInvite, Credentials, DeleteAccount, EditMessage, ErrorBody, ErrorCode, Group, GroupList,
    Id, Invite, InviteList, JoinInvite, LiabilityList, Message, MessageCreated, MessagePage,
    MyLiabilities, OpenQuestion, PostMessage, QuestionReply, ReadUpTo, Role, SearchResults,
    SessionInfo, SessionList, SessionsEnded, SetRole, SetTopic, User, WhatIf, WhatIfRequest,
};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;

const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why an API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server could not be reached at all.
    #[error("cannot reach the server at {server}: {reason}")]
    Unreachable { server: String, reason: String },
    /// The server answered with an error body; `message` is the server's own words.
    #[error("{message}")]
    Server {
        status: u16,
        code: ErrorCode,
        message: String,
    },
    /// The server answered something this client cannot read.
    #[error("unexpected answer from the server (HTTP {status}): {detail}")]
    Protocol { status: u16, detail: String },
    /// An error answer without Quid's error body: something other than a Quid server
    /// answered (a wrong URL or port, a proxy).
    #[error(
        "{server} answered HTTP {status} without a Quid error: is it a Quid server? \
         (check --server or QUID_SERVER)"
    )]
    NotQuid { server: String, status: u16 },
    /// No group matches the name or id given.
    #[error("no group named {0:?} among your groups")]
    NoSuchGroup(String),
    /// Several groups carry this name.
    #[error("several groups are named {name:?}; use the id instead: {ids}")]
    AmbiguousGroup { name: String, ids: String },
}

impl ApiError {
    /// The server's error code, when it sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Server { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// One server, optionally one user's token.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    server: String,
    token: Option<String>,
}

/// `GET /api/me` answers either the user or `{ "user": … }`; accept both.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum UserBody {
    Wrapped { user: User },
    Bare(User),
}

/// Group answers are either the group or `{ "group": … }`; accept both.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum GroupBody {
    Wrapped { group: Group },
    Bare(Group),
}

impl ApiClient {
    /// A client for `server` (base URL without trailing slash).
    pub fn new(server: &str, token: Option<String>) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .use_preconfigured_tls((*crate::tls::client_config()).clone())
            .build()
            .map_err(|e| ApiError::Unreachable {
                server: server.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(ApiClient {
            http,
            server: server.to_owned(),
            token,
        })
    }

    /// The base URL this client talks to.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The token requests carry, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// `POST /api/auth/register`.
    pub async fn register(&self, creds: &Credentials) -> Result<AuthResponse, ApiError> {
        self.send(self.request(Method::POST, "/api/auth/register").json(creds))
            .await
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, creds: &Credentials) -> Result<AuthResponse, ApiError> {
        self.send(self.request(Method::POST, "/api/auth/login").json(creds))
            .await
    }

    /// `GET /api/me`.
    pub async fn me(&self) -> Result<User, ApiError> {
        let body: UserBody = self.send(self.request(Method::GET, "/api/me")).await?;
        Ok(match body {
            UserBody::Wrapped { user } | UserBody::Bare(user) => user,
        })
    }

    /// `GET /api/groups`: the caller's groups.
    pub async fn groups(&self) -> Result<Vec<Group>, ApiError> {
        let list: GroupList = self.send(self.request(Method::GET, "/api/groups")).await?;
        Ok(list.groups)
    }

    /// `POST /api/groups`: the caller becomes its first member.
    pub async fn create_group(&self, body: &CreateGroup) -> Result<Group, ApiError> {
        let group: GroupBody = self
            .send(self.request(Method::POST, "/api/groups").json(body))
            .await?;
        Ok(match group {
            GroupBody::Wrapped { group } | GroupBody::Bare(group) => group,
        })
    }

    /// `POST /api/groups/:id/members`.
    pub async fn add_member(&self, group: Id, username: &str) -> Result<(), ApiError> {
        let body = AddMember {
            username: username.to_owned(),
        };
        let path = format!("/api/groups/{group}/members");
        self.send_ignoring_body(self.request(Method::POST, &path).json(&body))
            .await
    }

    /// `DELETE /api/groups/:id/members/:user_id` (leaving, when `user` is the caller).
    pub async fn remove_member(&self, group: Id, user: Id) -> Result<(), ApiError> {
        let path = format!("/api/groups/{group}/members/{user}");
        self.send_ignoring_body(self.request(Method::DELETE, &path))
            .await
    }

    /// `GET /api/groups/:id/messages`: one page in ascending seq.
    pub async fn messages(
        &self,
        group: Id,
        after: Option<i64>,
        before: Option<i64>,
        limit: Option<u32>,
    ) -> Result<MessagePage, ApiError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(after) = after {
            query.push(("after", after.to_string()));
        }
        if let Some(before) = before {
            query.push(("before", before.to_string()));
        }
        if let Some(limit) = limit {
            query.push(("limit", limit.to_string()));
        }
        let path = format!("/api/groups/{group}/messages");
        self.send(self.request(Method::GET, &path).query(&query))
            .await
    }

    /// `POST /api/messages`: the stored message.
    pub async fn post_message(&self, body: &PostMessage) -> Result<Message, ApiError> {
        let created: MessageCreated = self
            .send(self.request(Method::POST, "/api/messages").json(body))
            .await?;
        Ok(created.message)
    }

    /// `GET /api/groups/:id/commitments`.
    pub async fn commitments(&self, group: Id) -> Result<CommitmentList, ApiError> {
        let path = format!("/api/groups/{group}/commitments");
        self.send(self.request(Method::GET, &path)).await
    }

    /// `GET /api/groups/:id/liabilities`.
    pub async fn liabilities(&self, group: Id) -> Result<LiabilityList, ApiError> {
        let path = format!("/api/groups/{group}/liabilities");
        self.send(self.request(Method::GET, &path)).await
    }

    /// `GET /api/me/liabilities`: what the caller is bound to in every group.
    pub async fn my_liabilities(&self) -> Result<MyLiabilities, ApiError> {
        self.send(self.request(Method::GET, "/api/me/liabilities"))
            .await
    }

    /// `POST /api/groups/:id/whatif`: how `text` would read and what it would change.
    pub async fn whatif(&self, group: Id, text: &str) -> Result<WhatIf, ApiError> {
        let body = WhatIfRequest {
            text: Some(text.to_owned()),
            commitment: None,
        };
        let path = format!("/api/groups/{group}/whatif");
        self.send(self.request(Method::POST, &path).json(&body))
            .await
    }

    /// `GET /api/commitments/:id/history`: every version, oldest first.
    pub async fn commitment_history(&self, commitment: i64) -> Result<CommitmentHistory, ApiError> {
        let path = format!("/api/commitments/{commitment}/history");
        self.send(self.request(Method::GET, &path)).await
    }

    /// `GET /api/groups/:id/question`: the caller's open clarification question there.
    pub async fn open_question(&self, group: Id) -> Result<Option<OpenQuestion>, ApiError> {
        let path = format!("/api/groups/{group}/question");
        let reply: QuestionReply = self.send(self.request(Method::GET, &path)).await?;
        Ok(reply.question)
    }

    /// `DELETE /api/commitments/:id` (creator only).
    pub async fn revoke(&self, commitment: i64) -> Result<(), ApiError> {
        let path = format!("/api/commitments/{commitment}");
        self.send_ignoring_body(self.request(Method::DELETE, &path))
            .await
    }

    /// `PUT /api/groups/:id/messages/:seq`: the message as it is now.
    pub async fn edit_message(
        &self,
        group: Id,
        seq: i64,
        content: &str,
    ) -> Result<Message, ApiError> {
        let path = format!("/api/groups/{group}/messages/{seq}");
        let body = EditMessage {
            content: content.to_owned(),
        };
        let changed: MessageCreated = self
            .send(self.request(Method::PUT, &path).json(&body))
            .await?;
        Ok(changed.message)
    }

    /// `DELETE /api/groups/:id/messages/:seq`.
    pub async fn delete_message(&self, group: Id, seq: i64) -> Result<(), ApiError> {
        let path = format!("/api/groups/{group}/messages/{seq}");
        self.send_ignoring_body(self.request(Method::DELETE, &path))
            .await
    }

    /// `POST /api/auth/logout`: ends this token's session on the server.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.send_ignoring_body(self.request(Method::POST, "/api/auth/logout"))
            .await
    }

    /// `POST /api/auth/logout-all`: how many sessions were ended.
    pub async fn logout_all(&self) -> Result<usize, ApiError> {
        let ended: SessionsEnded = self
            .send(self.request(Method::POST, "/api/auth/logout-all"))
            .await?;
        Ok(ended.ended)
    }

    /// `GET /api/me/sessions`.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, ApiError> {
        let list: SessionList = self
            .send(self.request(Method::GET, "/api/me/sessions"))
            .await?;
        Ok(list.sessions)
    }

    /// `DELETE /api/me/sessions/:id`.
    pub async fn end_session(&self, session: Id) -> Result<(), ApiError> {
        let path = format!("/api/me/sessions/{session}");
        self.send_ignoring_body(self.request(Method::DELETE, &path))
            .await
    }

    /// `POST /api/groups/:id/messages/:seq/reactions`: the message as it is now.
    pub async fn react(
        &self,
        group: Id,
        seq: i64,
        emoji: &str,
        remove: bool,
    ) -> Result<Message, ApiError> {
        let path = format!("/api/groups/{group}/messages/{seq}/reactions");
        let body = serde_json::json!({"emoji": emoji, "remove": remove});
        let changed: MessageCreated = self
            .send(self.request(Method::POST, &path).json(&body))
            .await?;
        Ok(changed.message)
    }

    /// `GET /api/groups/:id/search?q=`: matches, newest first.
    pub async fn search(
        &self,
        group: Id,
        query: &str,
        limit: u32,
    ) -> Result<Vec<Message>, ApiError> {
        let path = format!("/api/groups/{group}/search");
        let found: SearchResults = self
            .send(
                self.request(Method::GET, &path)
                    .query(&[("q", query.to_owned()), ("limit", limit.to_string())]),
            )
            .await?;
        Ok(found.messages)
    }

    /// `PUT /api/groups/:id/read`: the read position kept.
    pub async fn mark_read(&self, group: Id, seq: i64) -> Result<i64, ApiError> {
        let path = format!("/api/groups/{group}/read");
        let kept: ReadUpTo = self
            .send(self.request(Method::PUT, &path).json(&ReadUpTo { seq }))
            .await?;
        Ok(kept.seq)
    }

    /// `PUT /api/groups/:id/topic` (`None` clears it): the group as it is now.
    pub async fn set_topic(&self, group: Id, topic: Option<&str>) -> Result<Group, ApiError> {
        let path = format!("/api/groups/{group}/topic");
        let body = SetTopic {
            topic: topic.map(str::to_owned),
        };
        let group: GroupBody = self
            .send(self.request(Method::PUT, &path).json(&body))
            .await?;
        Ok(match group {
            GroupBody::Wrapped { group } | GroupBody::Bare(group) => group,
        })
    }

    /// `PUT /api/me/password`: ends every other session.
    pub async fn change_password(&self, body: &ChangePassword) -> Result<(), ApiError> {
        self.send_ignoring_body(self.request(Method::PUT, "/api/me/password").json(body))
            .await
    }

    /// `DELETE /api/me`.
    pub async fn delete_account(&self, body: &DeleteAccount) -> Result<(), ApiError> {
        self.send_ignoring_body(self.request(Method::DELETE, "/api/me").json(body))
            .await
    }

    /// `POST /api/groups/:id/invites`: the invitation with its code.
    pub async fn create_invite(&self, group: Id, body: &CreateInvite) -> Result<Invite, ApiError> {
        let path = format!("/api/groups/{group}/invites");
        self.send(self.request(Method::POST, &path).json(body))
            .await
    }

    /// `GET /api/groups/:id/invites`.
    pub async fn invites(&self, group: Id) -> Result<Vec<Invite>, ApiError> {
        let path = format!("/api/groups/{group}/invites");
        let list: InviteList = self.send(self.request(Method::GET, &path)).await?;
        Ok(list.invites)
    }

    /// `DELETE /api/groups/:id/invites/:invite`.
    pub async fn revoke_invite(&self, group: Id, invite: &str) -> Result<(), ApiError> {
        let path = format!("/api/groups/{group}/invites/{invite}");
        self.send_ignoring_body(self.request(Method::DELETE, &path))
            .await
    }

    /// `POST /api/invites/join`: the group joined.
    pub async fn join_invite(&self, code: &str) -> Result<Group, ApiError> {
        let body = JoinInvite {
            code: code.to_owned(),
        };
        self.send(self.request(Method::POST, "/api/invites/join").json(&body))
            .await
    }

    /// `PUT /api/groups/:id/members/:user_id/role`.
    pub async fn set_role(&self, group: Id, user: Id, role: Role) -> Result<Group, ApiError> {
        let path = format!("/api/groups/{group}/members/{user}/role");
        self.send(self.request(Method::PUT, &path).json(&SetRole { role }))
            .await
    }

    /// Finds one of the caller's groups by id or by name.
    pub async fn resolve_group(&self, name_or_id: &str) -> Result<Group, ApiError> {
        let groups = self.groups().await?;
        find_group(&groups, name_or_id).cloned()
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self.http.request(method, format!("{}{path}", self.server));
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ApiError> {
        let response = self.execute(request).await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| self.unreachable(&e))?;
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Protocol {
            status,
            detail: e.to_string(),
        })
    }

    async fn send_ignoring_body(&self, request: RequestBuilder) -> Result<(), ApiError> {
        self.execute(request).await.map(drop)
    }

    /// Sends and turns every non-2xx answer into [`ApiError::Server`].
    async fn execute(&self, request: RequestBuilder) -> Result<reqwest::Response, ApiError> {
        let response = request.send().await.map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let bytes = response.bytes().await.unwrap_or_default();
        Err(match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => ApiError::Server {
                status: status.as_u16(),
                code: body.error.code,
                message: body.error.message,
            },
            Err(_) => ApiError::NotQuid {
                server: self.server.clone(),
                status: status.as_u16(),
            },
        })
    }

    fn unreachable(&self, error: &reqwest::Error) -> ApiError {
        let mut chain = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            chain.push_str(": ");
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        let refused = chain.contains("refused");
        let reason = if error.is_timeout() {
            "timed out".to_owned()
        } else if self.server.starts_with("https://") && !refused {
            // a plain-HTTP server, or a certificate this client does not trust
            let cause = chain.rsplit(": ").next().unwrap_or_default();
            format!(
                "no TLS connection could be made ({cause}): is the server serving HTTPS? One \
                 started without --tls-cert serves plain http://, and a certificate from a \
                 private authority needs --ca-cert"
            )
        } else if error.is_connect() {
            "connection refused or no route".to_owned()
        } else {
            error.to_string()
        };
        ApiError::Unreachable {
            server: self.server.clone(),
            reason,
        }
    }
}

/// Picks a group by exact id, else by name (exact, then case-insensitive).
pub fn find_group<'a>(groups: &'a [Group], name_or_id: &str) -> Result<&'a Group, ApiError> {
    let wanted = name_or_id.trim().trim_start_matches('#');
    if let Ok(id) = wanted.parse::<Id>()
        && let Some(group) = groups.iter().find(|g| g.id == id)
    {
        return Ok(group);
    }
    let exact: Vec<&Group> = groups.iter().filter(|g| g.name == wanted).collect();
    let matches = if exact.is_empty() {
        groups
            .iter()
            .filter(|g| g.name.eq_ignore_ascii_case(wanted))
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(ApiError::NoSuchGroup(name_or_id.to_owned())),
        many => Err(ApiError::AmbiguousGroup {
            name: wanted.to_owned(),
            ids: many
                .iter()
                .map(|g| g.id.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}
