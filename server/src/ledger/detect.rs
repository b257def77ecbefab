//! Commitment detection as the pipeline's message hook: every new public user message that
//! might hold a commitment (and every answer to a clarification question) is queued and read,
//! in order, by one worker task — off the request path, so a sender's ack never waits for
//! it. A message the detector rules out by its words alone ([`Detector::may_detect`]) is
//! not queued: most chat costs no store read.
//!
//! The worker asks the [`Detector`] and acts on what it says: a commitment is created, a
//! question is recorded and sent privately to the author, a revocation is carried out.
//! A message from an author with an open question (other than a private message to
//! someone) is that question's answer: the pipeline stores it as a private
//! `clarification_response` ([`MessageHook::is_answer`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use quid_shared::{Message, MessageKind};
use serde_json::json;
use tokio::sync::mpsc;

use super::{Ledger, LedgerError, Source};
use crate::commitments::{Context, Detection, Detector, Pending, RuleParser};
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
            && (post.author.as_ref())
                .is_some_and(|a| self.ledger.has_open_question(post.group, a.id));
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
        let pending = if answering {
            self.ledger.take_question(group, author_id).await?
        } else {
            None
        };
        let context = Context {
            author: &author,
            members: &members,
            commitments: &commitments,
        };
        let pending: Option<Pending> = pending.and_then(|p| serde_json::from_str(&p).ok());
        let detection = match &pending {
            Some(pending) => self.detector.answer(pending, &message.content, &context),
            None if answering => return Ok(()),
            None => self.detector.detect(&message.content, &context),
        };
        // An "answer" that completes nothing may be a new message in its own right (a
        // whole new commitment, or a withdrawal): read it as one.
        let detection = match detection {
            Detection::Nothing if pending.is_some() => {
                self.detector.detect(&message.content, &context)
            }
            detection => detection,
        };
        // A commitment and its source text are public: the text of a private message (an
        // answer, whose words may be spliced into the sentence it completes) is not kept.
        let source = Source {
            text: (!message.private).then(|| message.content.clone()),
            message: Some(message.id),
        };
        match detection {
            Detection::Nothing if pending.is_some() => {
                // An answer that answers nothing: the author hears so, privately, and the
                // question is closed rather than left waiting.
                let post = Draft {
                    to: Some(Recipient::Id(author_id)),
                    reply_to: Some(message.id),
                    meta: json!({ "need": "dropped" }),
                    ..Draft::system(
                        group,
                        MessageKind::ClarificationRequest,
                        "I could not use that as an answer, so I have dropped my question \
                              and recorded nothing. If you meant it for the group, send it again."
                            .into(),
                    )
                };
                pipeline.emit(post).await?;
                Ok(())
            }
            Detection::Nothing => Ok(()),
            Detection::Commitments(all) => {
                for terms in all {
                    self.ledger
                        .create(pipeline, group, author.clone(), terms, source.clone())
                        .await?;
                }
                Ok(())
            }
            Detection::Commitment(terms) => {
                match self
                    .ledger
                    .create(pipeline, group, author, terms, source)
                    .await
                {
                    Err(LedgerError::Invalid(why)) => {
                        // The author hears why, privately; nobody else sees the attempt.
                        let post = Draft {
                            to: Some(Recipient::Id(author_id)),
                            reply_to: Some(message.id),
                            meta: json!({ "need": "invalid" }),
                            ..Draft::system(
                                group,
                                MessageKind::ClarificationRequest,
                                format!("I read this as a commitment but cannot record it: {why}."),
                            )
                        };
                        pipeline.emit(post).await?;
                        Ok(())
                    }
                    other => other.map(|_| ()),
                }
            }
            Detection::Revoke { id } => self
                .ledger
                .revoke(pipeline, id, author_id, Some(message.id))
                .await
                .map(|_| ()),
            Detection::Clarify { question, pending } => {
                let encoded = serde_json::to_string(&pending).unwrap_or_default();
                self.ledger.ask(group, author_id, encoded).await?;
                let post = Draft {
                    to: Some(Recipient::Id(author_id)),
                    reply_to: Some(message.id),
                    meta: json!({ "need": pending.need }),
                    ..Draft::system(group, MessageKind::ClarificationRequest, question)
                };
                pipeline.emit(post).await?;
                Ok(())
            }
        }
    }
}
