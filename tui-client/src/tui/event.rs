//! Everything that can happen to the chat, as one [`Event`] enum, and the tasks that feed
//! the one channel the event loop reads: terminal input, the network, HTTP results, ticks.

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyEvent, KeyEventKind, MouseEvent};
use futures_util::StreamExt;
use quid_shared::{Commitment, Group, Id, Liability, Message, MessagePage};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::ws::WsEvent;

/// One thing that happened.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Mouse(MouseEvent),
    /// From the connection manager: a message, a state change, an error frame.
    Net(WsEvent),
    /// An HTTP request the chat made has finished.
    Api(ApiOutcome),
    /// Once a second: countdowns and expiring notices.
    Tick,
    /// The terminal's input ended or failed: nothing more can be typed, so the chat ends.
    TerminalClosed,
}

impl From<WsEvent> for Event {
    fn from(event: WsEvent) -> Self {
        Event::Net(event)
    }
}

/// A failed request, as the chat needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestError {
    /// 404: the server does not offer this (e.g. commitments on an older server).
    Unsupported,
    /// Anything else, in words.
    Failed(String),
}

/// The result of an HTTP request made by the chat.
#[derive(Debug, Clone)]
pub enum ApiOutcome {
    Groups(Result<Vec<Group>, RequestError>),
    GroupCreated(Result<Group, RequestError>),
    MemberAdded {
        group: Id,
        username: String,
        result: Result<(), RequestError>,
    },
    Left {
        group: Id,
        result: Result<(), RequestError>,
    },
    /// An invitation was made: its code.
    Invited {
        group: Id,
        result: Result<String, RequestError>,
    },
    Kicked {
        group: Id,
        username: String,
        result: Result<(), RequestError>,
    },
    Commitments {
        group: Id,
        result: Result<Vec<Commitment>, RequestError>,
    },
    Liabilities {
        group: Id,
        result: Result<Vec<Liability>, RequestError>,
    },
    Revoked {
        id: i64,
        result: Result<(), RequestError>,
    },
    WhatIf {
        group: Id,
        text: String,
        result: Result<quid_shared::WhatIf, RequestError>,
    },
    Older {
        group: Id,
        result: Result<MessagePage, RequestError>,
    },
    /// A request whose success is told in a few words (`what`, empty: nothing to say).
    Done {
        what: String,
        result: Result<(), RequestError>,
    },
    /// What `/search` found.
    Found {
        group: Id,
        query: String,
        result: Result<Vec<Message>, RequestError>,
    },
}

/// Reads the terminal's events (without blocking a thread) until cancelled.
pub fn spawn_terminal_events(events: UnboundedSender<Event>, cancel: CancellationToken) {
    tokio::spawn(async move {
        let mut stream = EventStream::new();
        loop {
            let next = tokio::select! {
                _ = cancel.cancelled() => return,
                next = stream.next() => next,
            };
            let event = match next {
                None | Some(Err(_)) => {
                    let _ = events.send(Event::TerminalClosed);
                    return;
                }
                Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => {
                    Event::Key(key)
                }
                Some(Ok(TermEvent::Paste(text))) => Event::Paste(text),
                Some(Ok(TermEvent::Resize(w, h))) => Event::Resize(w, h),
                Some(Ok(TermEvent::Mouse(mouse))) => Event::Mouse(mouse),
                Some(Ok(_)) => continue,
            };
            if events.send(event).is_err() {
                return;
            }
        }
    });
}

/// Sends [`Event::Tick`] every second until cancelled.
pub fn spawn_ticks(events: UnboundedSender<Event>, cancel: CancellationToken) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = interval.tick() => {
                    if events.send(Event::Tick).is_err() {
                        return;
                    }
                }
            }
        }
    });
}
