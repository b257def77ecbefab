//! Open clarification questions: at most one per member and group, kept in the store (so
//! they survive a restart) and mirrored in memory, so that telling an answer from an
//! ordinary message costs no database read and never reorders a client's sends.
//!
//! A message is taken as the answer only when it reads as one — a reply to the question,
//! or a quantity, a member's name, a choice, a yes or a no, as the question calls for
//! ([`crate::commitments::reads_as_answer`]). Anything else goes to the group as usual and
//! the question stays open, until it is answered, replaced by a new offer, or expires.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use quid_shared::{Id, Message, OpenQuestion};
use serde::{Deserialize, Serialize};

use super::{Ledger, LedgerError};
use crate::commitments::{Pending, reads_as_answer};
use crate::pipeline::Pipeline;
use crate::store::commitments as stored;
use crate::store::{Conn, Dialect, Draft, StoreError, from_ms, now_ms};

/// A question asked and not yet answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Open {
    pub pending: Pending,
    /// The question as the author was asked it.
    #[serde(default)]
    pub question: String,
    /// The `clarification_request` message that asked it (a reply to it is an answer).
    #[serde(default)]
    pub message: Option<i64>,
    /// The group's usernames when it was asked (an answer may name one).
    #[serde(default)]
    pub members: Vec<String>,
    /// When it was asked, in Unix milliseconds.
    #[serde(skip)]
    pub asked_at: i64,
}

impl Open {
    /// Reads a stored question: this shape, or a bare `Pending` as stored before.
    fn parse(json: &str, asked_at: i64) -> Option<Open> {
        let open = serde_json::from_str::<Open>(json).ok().or_else(|| {
            let pending = serde_json::from_str::<Pending>(json).ok()?;
            Some(Open {
                question: pending.question(),
                pending,
                message: None,
                members: Vec::new(),
                asked_at,
            })
        })?;
        Some(Open { asked_at, ..open })
    }
}

/// Every open question by `(group, user)`.
#[derive(Default)]
pub struct Questions {
    open: Arc<Mutex<HashMap<(Id, Id), Open>>>,
}

impl Questions {
    fn lock(&self) -> MutexGuard<'_, HashMap<(Id, Id), Open>> {
        lock(&self.open)
    }
}

fn lock(open: &Mutex<HashMap<(Id, Id), Open>>) -> MutexGuard<'_, HashMap<(Id, Id), Open>> {
    open.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Ledger {
    /// How long a question waits for its answer.
    fn question_ttl_ms(&self) -> i64 {
        i64::try_from(self.question_ttl.as_millis()).unwrap_or(i64::MAX)
    }

    fn expired(&self, open: &Open, now: i64) -> bool {
        now.saturating_sub(open.asked_at) >= self.question_ttl_ms()
    }

    /// Reads the open questions from the store (once, at start); expired ones are dropped.
    pub async fn load_open_questions(&self) -> Result<(), LedgerError> {
        let rows = self.store.read(stored::open_questions).await?;
        let now = now_ms();
        let mut expired = Vec::new();
        {
            let mut open = self.questions.lock();
            for (group, user, json, asked_at) in rows {
                match Open::parse(&json, asked_at) {
                    Some(question) if !self.expired(&question, now) => {
                        open.insert((group, user), question);
                    }
                    _ => expired.push((group, user)),
                }
            }
        }
        for (group, user) in expired {
            self.store
                .write(move |ctx| stored::take_pending(ctx.conn(), group, user))
                .await?;
        }
        Ok(())
    }

    /// On a database several nodes share, the question may have been asked (or answered)
    /// through another node: this node's copy of `user`'s question in `group` is read
    /// again from the database. On SQLite this node asks every question and its memory is
    /// exact, so nothing is read.
    pub async fn sync_question(&self, group: Id, user: Id) -> Result<(), LedgerError> {
        if self.store.dialect() != Dialect::Postgres {
            return Ok(());
        }
        let row = self
            .store
            .read(move |conn| stored::pending_row(conn, group, user))
            .await?;
        self.adopt(group, user, row);
        Ok(())
    }

    /// [`sync_question`](Self::sync_question) on `conn` (the writer's transaction, where
    /// a message is decided to be an answer in the order its author sent it).
    pub fn sync_question_on(&self, conn: &Conn, group: Id, user: Id) -> Result<(), StoreError> {
        if conn.dialect() != Dialect::Postgres {
            return Ok(());
        }
        let row = stored::pending_row(conn, group, user)?;
        self.adopt(group, user, row);
        Ok(())
    }

    /// Takes the stored question `row` (or its absence) as this node's copy.
    fn adopt(&self, group: Id, user: Id, row: Option<(String, i64)>) {
        let mut open = self.questions.lock();
        match row.and_then(|(json, asked_at)| Open::parse(&json, asked_at)) {
            Some(mut question) => {
                // the question's message id is stored by a second write, after the
                // message went out: until then this node's own record of it has the id
                if let Some(known) = open.get(&(group, user))
                    && question.message.is_none()
                    && known.question == question.question
                {
                    question.message = known.message;
                }
                open.insert((group, user), question);
            }
            None => {
                open.remove(&(group, user));
            }
        }
    }

    /// Whether `text` by `user` in `group` (a reply to message `reply_to`, if any) answers
    /// the question open for them. An expired question is no longer open.
    pub fn answers(&self, group: Id, user: Id, text: &str, reply_to: Option<i64>) -> bool {
        let mut open = self.questions.lock();
        let Some(question) = open.get(&(group, user)) else {
            return false;
        };
        if self.expired(question, now_ms()) {
            open.remove(&(group, user));
            return false;
        }
        (reply_to.is_some() && reply_to == question.message)
            || reads_as_answer(&question.pending.need, text, &question.members)
    }

    /// Whether `user` has a question open in `group`.
    pub fn has_open_question(&self, group: Id, user: Id) -> bool {
        let now = now_ms();
        self.questions
            .lock()
            .get(&(group, user))
            .is_some_and(|q| !self.expired(q, now))
    }

    /// The question open for `user` in `group`, as the API shows it.
    pub fn open_question(&self, group: Id, user: Id) -> Option<OpenQuestion> {
        let open = self.questions.lock();
        let question = open.get(&(group, user))?;
        if self.expired(question, now_ms()) {
            return None;
        }
        let asked_at = from_ms(question.asked_at).ok()?;
        Some(OpenQuestion {
            text: question.question.clone(),
            message: question.message,
            asked_at,
            expires_at: asked_at + self.question_ttl,
        })
    }

    /// Asks `user` in `group` the question `open` by posting `post` (private to them), and
    /// records it as their open question (replacing an earlier one). It is open from
    /// before the post, so an answer that arrives at once is read as one, and stored
    /// before it too, so a question its author has seen survives a restart or a crash.
    /// The id of its message is known before anyone is sent it (so a reply to it at once
    /// is read as the answer), and stored after.
    pub async fn ask(
        &self,
        pipeline: &Pipeline,
        group: Id,
        user: Id,
        mut open: Open,
        post: Draft,
    ) -> Result<(), LedgerError> {
        open.asked_at = now_ms();
        self.questions.lock().insert((group, user), open.clone());
        let questions = Arc::clone(&self.questions.open);
        let known = move |message: &Message| {
            if let Some(current) = lock(&questions).get_mut(&(group, user)) {
                current.message = Some(message.id);
            }
        };
        let posted = match self.store_question(group, user, &open).await {
            Ok(()) => pipeline
                .emit_and(post, known)
                .await
                .map_err(LedgerError::from),
            Err(e) => Err(e),
        };
        let posted = match posted {
            Ok(posted) => posted,
            Err(e) => {
                if let Err(undo) = self.take_question(group, user).await {
                    tracing::warn!(error = %undo, "a question that was not asked stays stored");
                }
                return Err(e);
            }
        };
        open.message = Some(posted.id);
        self.store_question(group, user, &open).await
    }

    /// Writes `open` as the question open for `user` in `group`.
    async fn store_question(&self, group: Id, user: Id, open: &Open) -> Result<(), LedgerError> {
        let json = serde_json::to_string(open).unwrap_or_default();
        self.store
            .write(move |ctx| stored::set_pending(ctx.conn(), group, user, &json))
            .await?;
        Ok(())
    }

    /// Removes and returns the open question for `user` in `group` (`None` if there is
    /// none, or it expired).
    pub async fn take_question(&self, group: Id, user: Id) -> Result<Option<Open>, LedgerError> {
        let taken = self.questions.lock().remove(&(group, user));
        self.store
            .write(move |ctx| stored::take_pending(ctx.conn(), group, user))
            .await?;
        Ok(taken.filter(|q| !self.expired(q, now_ms())))
    }
}

/// The default time a question waits for its answer.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 60);
