//! Commitment detection as the pipeline's message hook: every new public user message that
//! might hold a commitment (and every answer to a clarification question) is queued and read,
//! in order, in its group's lane ([`super::lanes`]) — off the request path, so a sender's ack
//! never waits for it, and a slow read in one group never holds up another. A message the
//! detector rules out by its words alone ([`Detector::may_detect`]) is not queued: most chat
//! costs no store read. With the language-model reader on, a message that names an amount is
//! queued too, and what the rules cannot read completely is also read by the model
//! ([`super::assist`]).
//!
//! The worker asks the [`Detector`] and acts on what it says: commitments are created, a
//! question is recorded and sent privately to the author, a revocation is carried out.
//! A message that reads as the answer to its author's open question (see [`super::questions`])
//! is stored by the pipeline as a private `clarification_response`
//! ([`MessageHook::is_answer`]); any other message goes to the group, and if it is a new
//! offer it replaces the open question.

use std::sync::Arc;

use quid_shared::{Message, MessageKind};
use serde_json::json;

use super::assist;
use super::lanes::Lanes;
use super::questions::Open;
use super::{Ledger, LedgerError, Source};
use crate::commitments::parser::Need;
use crate::commitments::{self, Context, Detection, Detector, RuleParser, Terms};
use crate::llm::ModelReader;
use crate::pipeline::{MessageHook, Pipeline};
use crate::store::commitments as stored;
use crate::store::groups;
use crate::store::{Draft, Recipient, WriteCtx};

/// Messages of one group waiting for detection; beyond this, new ones are not examined
/// (and logged).
const QUEUE: usize = 4096;

type Job = (Pipeline, Message);

/// The hook that detects commitments.
pub struct DetectionHook {
    worker: Arc<Worker>,
    lanes: Lanes<Job>,
}

impl DetectionHook {
    /// Detection with the built-in rule-based parser, and the language-model reader when
    /// one is given.
    pub fn new(ledger: Arc<Ledger>, model: Option<Arc<ModelReader>>) -> DetectionHook {
        DetectionHook {
            worker: Arc::new(Worker {
                ledger,
                detector: Arc::new(RuleParser),
                model,
            }),
            lanes: Lanes::new(QUEUE),
        }
    }

    /// Whether `text` could hold an offer for any reader.
    fn may_detect(&self, text: &str) -> bool {
        self.worker.detector.may_detect(text)
            || (self.worker.model.is_some() && crate::llm::reading::names_an_amount(text))
    }
}

impl MessageHook for DetectionHook {
    /// An edit or deletion of a message that made a commitment never changes the
    /// commitment by itself: its author is asked, privately, whether to change it too.
    fn after_change(&self, pipeline: &Pipeline, message: &Message, change: &Message) {
        if !matches!(change.kind, MessageKind::Edit | MessageKind::Delete) {
            return;
        }
        let Some(author) = message.author.clone() else {
            return;
        };
        let (pipeline, message, change) = (pipeline.clone(), message.clone(), change.clone());
        tokio::spawn(async move {
            let id = message.id;
            let made = pipeline
                .store()
                .read(move |conn| stored::active_from_message(conn, id))
                .await;
            let made = match made {
                Ok(made) => made,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the commitments of an edited message");
                    return;
                }
            };
            for commitment in made {
                let done = if change.kind == MessageKind::Edit {
                    "edited"
                } else {
                    "deleted"
                };
                let question = format!(
                    "You {done} message #{seq}, which made commitment c{id}: {summary}. \
                     The commitment has not changed. Change it too? Revoke it with \
                     /revoke c{id} and write the new offer; otherwise it stays as it is.",
                    seq = message.seq,
                    id = commitment.id,
                    summary = commitment.summary,
                );
                let draft = Draft {
                    to: Some(Recipient::Id(author.id)),
                    reply_to: Some(message.id),
                    meta: json!({
                        "commitment_id": commitment.id,
                        "changed": change.seq,
                    }),
                    ..Draft::system(message.group, MessageKind::ClarificationRequest, question)
                };
                if let Err(e) = pipeline.emit(draft).await {
                    tracing::error!(error = %e, "cannot ask about a commitment whose message changed");
                }
            }
        });
    }

    fn after_publish(&self, pipeline: &Pipeline, message: &Message) {
        // Commitments are public, so a private message to a member is never read as one
        // (nothing of it may reach the group). Most chat is ruled out by its words alone:
        // it costs no store read and no place in the queue. An answer is always read
        // (with the question it answers).
        if message.kind == MessageKind::User
            && (message.private || !self.may_detect(&message.content))
        {
            return;
        }
        let worker = Arc::clone(&self.worker);
        let job = (pipeline.clone(), message.clone());
        let handle = move |(pipeline, message): Job| {
            let worker = Arc::clone(&worker);
            async move {
                if let Err(e) = worker.examine(&pipeline, &message).await {
                    tracing::warn!(message = message.id, error = %e, "commitment detection failed");
                }
            }
        };
        if let Err(e) = self.lanes.push(message.group, job, handle) {
            tracing::warn!(message = message.id, error = %e, "commitment detection skipped a message");
        }
    }

    fn is_answer(&self, ctx: &mut WriteCtx<'_>, post: &Draft) -> bool {
        // From memory on SQLite; on a shared database the question is read again first,
        // in the writer's transaction.
        let (Some(author), None) = (post.author.as_ref(), post.to.as_ref()) else {
            return false;
        };
        let ledger = &self.worker.ledger;
        if let Err(e) = ledger.sync_question_on(ctx.conn(), post.group, author.id) {
            tracing::warn!(error = %e, "cannot read an open question");
        }
        ledger.answers(post.group, author.id, &post.content, post.reply_to)
    }
}

/// Reads a group's queued messages one at a time, in the order they were published.
struct Worker {
    ledger: Arc<Ledger>,
    detector: Arc<dyn Detector>,
    /// The language-model reader, if one is configured.
    model: Option<Arc<ModelReader>>,
}

impl Worker {
    /// Detects what `message` says and acts on it.
    async fn examine(&self, pipeline: &Pipeline, message: &Message) -> Result<(), LedgerError> {
        let Some(author) = message.author.clone() else {
            return Ok(());
        };
        let (group, author_id) = (message.group, author.id);
        let answering = message.kind == MessageKind::ClarificationResponse;
        let (members, binding) = pipeline
            .store()
            .read(move |conn| Ok((groups::members(conn, group)?, stored::binding(conn, group)?)))
            .await?;
        let (commitments, others): (Vec<_>, Vec<_>) =
            binding.into_iter().partition(|c| c.creator.id == author_id);
        self.ledger.sync_question(group, author_id).await?;
        let open = if answering {
            self.ledger.take_question(group, author_id).await?
        } else {
            None
        };
        let context = Context {
            author: &author,
            members: &members,
            commitments: &commitments,
        };
        let detection = match &open {
            Some(open) => self
                .detector
                .answer(&open.pending, &message.content, &context),
            None if answering => {
                return self.tell(pipeline, message, "dropped", DROPPED).await;
            }
            None => self.detector.detect(&message.content, &context),
        };
        // An answer that completes nothing may be a new message in its own right (a
        // whole new commitment, or a withdrawal): read it as one.
        let detection = match detection {
            Detection::Nothing if open.is_some() => {
                self.detector.detect(&message.content, &context)
            }
            detection => detection,
        };
        // "yes" to the model's reading records the model's reading.
        let mut reader = match open.as_ref().map(|o| &o.pending.need) {
            Some(Need::Suggested { .. }) if matches!(detection, Detection::Commitment(_)) => {
                "model"
            }
            _ => "rules",
        };
        // A new message the rules cannot read completely is read by the model too.
        let detection = match &self.model {
            Some(model) if !answering && assist::asks_model(&detection) => {
                let mut everyone = commitments.clone();
                everyone.extend(others);
                let liabilities = commitments::solve(&everyone).unwrap_or_default();
                let combined = assist::combine(
                    model,
                    &message.content,
                    &author,
                    &members,
                    &commitments,
                    &liabilities,
                    detection,
                )
                .await;
                reader = combined.reader;
                combined.detection
            }
            _ => detection,
        };
        // A new offer (or withdrawal) while a question is open replaces the question.
        if !answering
            && detection != Detection::Nothing
            && self.ledger.has_open_question(group, author_id)
        {
            self.ledger.take_question(group, author_id).await?;
        }
        // A commitment and its source text are public: the text of a private message (an
        // answer, whose words may be spliced into the sentence it completes) is not kept.
        let source = Source {
            text: (!message.private).then(|| message.content.clone()),
            message: Some(message.id),
            reader: Some(reader),
        };
        match detection {
            // An answer that answers nothing: the author hears so, privately, and the
            // question is closed rather than left waiting.
            Detection::Nothing if open.is_some() => {
                self.tell(pipeline, message, "dropped", DROPPED).await
            }
            Detection::Nothing => Ok(()),
            Detection::Commitments(all) => {
                for terms in all {
                    self.create(pipeline, message, terms, source.clone())
                        .await?;
                }
                Ok(())
            }
            Detection::Commitment(terms) => self.create(pipeline, message, terms, source).await,
            Detection::Revoke { id } => self
                .ledger
                .revoke(pipeline, id, author_id, Some(message.id))
                .await
                .map(|_| ()),
            Detection::Change { id, terms } => {
                match self
                    .ledger
                    .change(pipeline, id, author.clone(), terms, source)
                    .await
                {
                    Err(LedgerError::Invalid(why)) => {
                        let text = format!("I cannot change it that way: {why}.");
                        self.tell(pipeline, message, "invalid", &text).await
                    }
                    other => other.map(|_| ()),
                }
            }
            Detection::Clarify { question, pending } => {
                let post = Draft {
                    to: Some(Recipient::Id(author_id)),
                    reply_to: Some(message.id),
                    meta: json!({ "need": pending.need }),
                    ..Draft::system(group, MessageKind::ClarificationRequest, question.clone())
                };
                let open = Open {
                    pending,
                    question,
                    message: None,
                    members: members.iter().map(|m| m.username.clone()).collect(),
                    asked_at: 0,
                };
                self.ledger
                    .ask(pipeline, group, author_id, open, post)
                    .await
            }
        }
    }

    /// Creates a commitment read from `message`; one the group refuses is explained to
    /// the author privately, and nobody else sees the attempt.
    async fn create(
        &self,
        pipeline: &Pipeline,
        message: &Message,
        terms: Terms,
        source: Source,
    ) -> Result<(), LedgerError> {
        let Some(author) = message.author.clone() else {
            return Ok(());
        };
        match self
            .ledger
            .create(pipeline, message.group, author, terms, source)
            .await
        {
            Err(LedgerError::Invalid(why)) => {
                let text = format!("I read this as a commitment but cannot record it: {why}.");
                self.tell(pipeline, message, "invalid", &text).await
            }
            other => other.map(|_| ()),
        }
    }

    /// Tells `message`'s author something privately, in reply to it.
    async fn tell(
        &self,
        pipeline: &Pipeline,
        message: &Message,
        need: &str,
        text: &str,
    ) -> Result<(), LedgerError> {
        let Some(author) = &message.author else {
            return Ok(());
        };
        let post = Draft {
            to: Some(Recipient::Id(author.id)),
            reply_to: Some(message.id),
            meta: json!({ "need": need }),
            ..Draft::system(
                message.group,
                MessageKind::ClarificationRequest,
                text.to_owned(),
            )
        };
        pipeline.emit(post).await?;
        Ok(())
    }
}

/// What the author hears when an answer completes nothing.
const DROPPED: &str = "I could not use that as an answer, so I have dropped my question and \
                       recorded nothing. If you meant it for the group, send it again.";
