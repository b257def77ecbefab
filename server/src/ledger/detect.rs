//! Commitment detection as the pipeline's message hook: every new public user message that
//! might hold a commitment (and every answer to a clarification question) is queued and read,
//! in order, by one worker task — off the request path, so a sender's ack never waits for
//! it. A message the detector rules out by its words alone ([`Detector::may_detect`]) is
//! not queued: most chat costs no store read.
//!
//! The worker asks the [`Detector`] and acts on what it says: commitments are created, a
//! question is recorded and sent privately to the author, a revocation is carried out.
//! A message that reads as the answer to its author's open question (see [`super::questions`])
//! is stored by the pipeline as a private `clarification_response`
//! ([`MessageHook::is_answer`]); any other message goes to the group, and if it is a new
//! offer it replaces the open question.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use quid_shared::{Message, MessageKind};
use serde_json::json;
use tokio::sync::mpsc;

use super::questions::Open;
use super::{Ledger, LedgerError, Source};
use crate::commitments::{Context, Detection, Detector, RuleParser, Terms};
use crate::pipeline::{MessageHook, Pipeline};
use crate::store::commitments as stored;
use crate::store::groups;
use crate::store::{Draft, Recipient};

/// Messages waiting for detection; beyond this, new ones are not examined (and logged).
const QUEUE: usize = 4096;

type Job = (Pipeline, Message);

/// The hook that detects commitments.
pub struct DetectionHook {
    ledger: Arc<Ledger>,
    detector: Arc<dyn Detector>,
    queue: OnceLock<mpsc::Sender<Job>>,
}

impl DetectionHook {
    /// Detection with the built-in rule-based parser.
    pub fn new(ledger: Arc<Ledger>) -> DetectionHook {
        DetectionHook {
            ledger,
            detector: Arc::new(RuleParser),
            queue: OnceLock::new(),
        }
    }

    /// The worker's queue, started on first use (from inside the runtime).
    fn queue(&self) -> &mpsc::Sender<Job> {
        self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE);
            let worker = Worker {
                ledger: Arc::clone(&self.ledger),
                detector: Arc::clone(&self.detector),
            };
            tokio::spawn(worker.run(receiver));
            sender
        })
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
            && (message.private || !self.detector.may_detect(&message.content))
        {
            return;
        }
        if let Err(e) = self.queue().try_send((pipeline.clone(), message.clone())) {
            tracing::warn!(message = message.id, error = %e, "commitment detection skipped a message");
        }
    }

    fn is_answer<'a>(
        &'a self,
        _pipeline: &'a Pipeline,
        post: &'a Draft,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        // Answered from memory, so a client's sends are never reordered by a read.
        let answer = post.to.is_none()
            && post.author.as_ref().is_some_and(|a| {
                self.ledger
                    .answers(post.group, a.id, &post.content, post.reply_to)
            });
        Box::pin(std::future::ready(answer))
    }
}

/// Reads queued messages one at a time, in the order they were published.
struct Worker {
    ledger: Arc<Ledger>,
    detector: Arc<dyn Detector>,
}

impl Worker {
    async fn run(self, mut receiver: mpsc::Receiver<Job>) {
        while let Some((pipeline, message)) = receiver.recv().await {
            if let Err(e) = self.examine(&pipeline, &message).await {
                tracing::warn!(message = message.id, error = %e, "commitment detection failed");
            }
        }
    }

    /// Detects what `message` says and acts on it.
    async fn examine(&self, pipeline: &Pipeline, message: &Message) -> Result<(), LedgerError> {
        let Some(author) = message.author.clone() else {
            return Ok(());
        };
        let (group, author_id) = (message.group, author.id);
        let answering = message.kind == MessageKind::ClarificationResponse;
        let (members, commitments) = pipeline
            .store()
            .read(move |conn| {
                let mine = stored::binding(conn, group)?
                    .into_iter()
                    .filter(|c| c.creator.id == author_id)
                    .collect::<Vec<_>>();
                Ok((groups::members(conn, group)?, mine))
            })
            .await?;
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
