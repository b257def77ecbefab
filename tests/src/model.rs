//! A stand-in for a language model's server: a real HTTP server (warp, on 127.0.0.1:0)
//! that answers the OpenAI-compatible `POST /v1/chat/completions` from recorded replies,
//! chosen by a phrase of the user's message — a reading, nonsense, HTTP 500, or no answer
//! at all. It keeps every request it was sent, so tests can say what reached the model.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};
use tokio::sync::oneshot;
use warp::Filter;
use warp::http::StatusCode;

/// What the stand-in answers to a message containing a phrase.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A completion whose message content is this text (JSON, or not).
    Content(String),
    /// An HTTP error with this status.
    Status(u16),
    /// No answer, ever (the request hangs until the client gives up).
    Hang,
}

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The user message: the chat text the model was asked to read.
    pub text: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The whole request body.
    pub body: Value,
}

/// The running stand-in; it stops when dropped.
pub struct RecordedModel {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    _stop: oneshot::Sender<()>,
}

impl RecordedModel {
    /// Starts a stand-in answering `replies` (phrase, reply); a message matching no phrase
    /// is answered `{"kind": "none"}`.
    pub async fn start(replies: Vec<(&str, Reply)>) -> anyhow::Result<RecordedModel> {
        let replies: Arc<Vec<(String, Reply)>> = Arc::new(
            replies
                .into_iter()
                .map(|(phrase, reply)| (phrase.to_owned(), reply))
                .collect(),
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let route = warp::path!("v1" / "chat" / "completions")
            .and(warp::post())
            .and(warp::header::optional::<String>("authorization"))
            .and(warp::body::json())
            .then(move |authorization: Option<String>, body: Value| {
                let replies = Arc::clone(&replies);
                let log = Arc::clone(&log);
                async move {
                    let text = body["messages"]
                        .as_array()
                        .and_then(|m| m.iter().find(|m| m["role"] == "user"))
                        .and_then(|m| m["content"].as_str())
                        .unwrap_or_default()
                        .to_owned();
                    log.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(Seen {
                            text: text.clone(),
                            authorization,
                            body,
                        });
                    let reply = replies
                        .iter()
                        .find(|(phrase, _)| text.contains(phrase.as_str()))
                        .map(|(_, reply)| reply.clone())
                        .unwrap_or(Reply::Content(none()));
                    answer(reply).await
                }
            });
        let (stop, stopped) = oneshot::channel::<()>();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let server = warp::serve(route)
            .incoming(listener)
            .graceful(async move {
                let _ = stopped.await;
            })
            .run();
        tokio::spawn(server);
        Ok(RecordedModel {
            addr,
            seen,
            _stop: stop,
        })
    }

    /// The base URL to give `--llm-url`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

async fn answer(reply: Reply) -> warp::reply::Response {
    use warp::Reply as _;
    match reply {
        Reply::Content(content) => warp::reply::json(&json!({
            "id": "recorded",
            "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
        }))
        .into_response(),
        Reply::Status(status) => warp::reply::with_status(
            warp::reply::json(&json!({"error": {"message": "recorded failure"}})),
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        )
        .into_response(),
        Reply::Hang => {
            std::future::pending::<()>().await;
            unreachable!()
        }
    }
}

/// The reading of a message that is not an offer.
pub fn none() -> String {
    json!({"kind": "none", "promises": [], "conditions": [], "withdraw": null}).to_string()
}

/// An offer of fixed promises `(amount, unit, action)` under conditions
/// `(who, amount, unit, action)`, as the model writes it.
pub fn offer(promises: &[(f64, &str, &str)], conditions: &[(&str, f64, &str, &str)]) -> String {
    let promises: Vec<Value> = promises
        .iter()
        .map(|(amount, unit, action)| {
            json!({"amount": amount, "unit": unit, "action": action, "share": null})
        })
        .collect();
    let conditions: Vec<Value> = conditions
        .iter()
        .map(|(who, amount, unit, action)| {
            json!({"who": who, "amount": amount, "unit": unit, "action": action})
        })
        .collect();
    json!({"kind": "offer", "promises": promises, "conditions": conditions, "withdraw": null})
        .to_string()
}
