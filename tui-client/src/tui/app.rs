//! The chat's state: everything the screen shows, owned by the UI task alone. Changed only
//! by `update`, read only by `ui::draw`.

use quid_shared::{Commitment, Group, Id, Liability, Message, MessageKind, UserRef};

use super::input::InputLine;
use crate::config::NotifyLevel;
use crate::ws::ConnState;

/// How many messages to replay per group when the chat opens.
pub const INITIAL_BACKLOG: i64 = 100;

/// Data of the side pane, which a server may not offer.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PaneData<T> {
    #[default]
    NotLoaded,
    Loaded(T),
    /// The server has no such endpoint (404).
    Unsupported,
    Failed(String),
}

/// One group as the chat keeps it.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub group: Group,
    /// Visible messages, ascending by seq, each once.
    pub messages: Vec<Message>,
    /// The highest seq the user has seen.
    pub read_upto: i64,
    /// Where the "new messages" line goes: after this seq.
    pub marker: Option<i64>,
    /// Messages arrived since the user last looked.
    pub unread: usize,
    /// Whether one of the unread messages mentions the user.
    pub mentioned: bool,
    /// A commitment or liability changed since the user last saw the side pane.
    pub pane_stale: bool,
    pub commitments: PaneData<Vec<Commitment>>,
    pub liabilities: PaneData<Vec<Liability>>,
    /// An offer tried with `/whatif`, and what it would change.
    pub whatif: Option<(String, PaneData<quid_shared::WhatIf>)>,
    /// Lines scrolled up from the bottom of the conversation.
    pub scroll: usize,
    /// A clarification request (its seq) waiting for the user's answer.
    pub pending_clarification: Option<i64>,
    /// Whether older messages than the first loaded one may exist.
    pub has_older: bool,
    /// An older page is being fetched.
    pub loading_older: bool,
    /// The members connected now (from the server's `presence`).
    pub online: Vec<Id>,
    /// Who is typing now.
    pub typing: Vec<Typing>,
    /// Lines about the group itself (members added, removed, left), each shown after
    /// the message with the seq it was told at.
    pub system_lines: Vec<(i64, String)>,
    /// Unread messages up to this seq were counted by the server (`Group::unread`):
    /// replaying them does not count them again.
    pub counted_upto: i64,
    /// The read position last told to the server.
    pub read_sent: i64,
    /// Unread messages that ring the bell (per the group's notify setting).
    pub alerts: usize,
    /// The private conversations opened in this group (`/query bob`), each a buffer of
    /// its own listed under the group, in the order they were opened.
    pub privates: Vec<PrivateView>,
    /// The private conversation on screen instead of the whole group (its other party):
    /// only their and my private messages show, and what I type goes to them.
    pub showing: Option<Id>,
}

/// One buffer of the chat: a group, or a private conversation in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buffer {
    /// The group's index in [`App::groups`].
    pub group: usize,
    /// The other party of a private conversation; `None` for the group itself.
    pub with: Option<Id>,
}

/// A private conversation opened in a group. Its messages show here and not in the
/// group, and count here: every one of the other party's is to me, so a mention.
#[derive(Debug, Clone, PartialEq)]
pub struct PrivateView {
    pub with: UserRef,
    /// The highest seq seen here.
    pub read_upto: i64,
    /// Where the "new messages" line goes: after this seq.
    pub marker: Option<i64>,
    /// Messages of the other party arrived since I last looked.
    pub unread: usize,
    /// Unread messages that ring the bell (per the group's notify setting).
    pub alerts: usize,
}

/// Someone typing in a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Typing {
    pub user: String,
    /// Typing to me alone.
    pub private: bool,
    /// Seconds it stays shown.
    pub ttl: u32,
}

impl GroupView {
    /// A group as listed by the server when the chat opens; what it already holds counts
    /// as read (unless a read marker from an earlier run says otherwise).
    pub fn new(group: Group) -> Self {
        let head = group.head;
        GroupView {
            group,
            messages: Vec::new(),
            read_upto: head,
            marker: None,
            unread: 0,
            mentioned: false,
            pane_stale: false,
            commitments: PaneData::NotLoaded,
            liabilities: PaneData::NotLoaded,
            scroll: 0,
            pending_clarification: None,
            has_older: head > 0,
            loading_older: false,
            whatif: None,
            online: Vec::new(),
            typing: Vec::new(),
            system_lines: Vec::new(),
            counted_upto: 0,
            read_sent: 0,
            alerts: 0,
            privates: Vec::new(),
            showing: None,
        }
    }

    /// A group that appeared while the chat runs (the user was added to it, or created
    /// it): nothing of it has been seen, so its messages count as unread as they arrive.
    pub fn unseen(group: Group) -> Self {
        GroupView {
            read_upto: 0,
            ..GroupView::new(group)
        }
    }

    /// The `since` to join with so the last [`INITIAL_BACKLOG`] messages are replayed.
    pub fn initial_since(&self) -> i64 {
        (self.group.head - INITIAL_BACKLOG).max(0)
    }

    /// Inserts a message in seq order; returns `false` if it was already there, or if
    /// it is a change of an earlier message (applied to it when it is loaded).
    pub fn insert(&mut self, message: Message) -> bool {
        if message.kind.is_change() {
            self.group.head = self.group.head.max(message.seq);
            if let Some(of) = message.changes()
                && let Ok(at) = self.messages.binary_search_by_key(&of, |m| m.seq)
            {
                self.messages[at].apply(&message);
            }
            return false;
        }
        match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(_) => false,
            Err(at) => {
                self.group.head = self.group.head.max(message.seq);
                self.messages.insert(at, message);
                true
            }
        }
    }

    /// The highest seq held.
    pub fn last_seq(&self) -> i64 {
        self.messages.last().map_or(self.read_upto, |m| m.seq)
    }

    /// A member's name by id.
    pub fn member_name(&self, id: Id) -> Option<&str> {
        self.group
            .members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.username.as_str())
    }
}

/// A line of feedback in the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
    /// Ticks (seconds) until it disappears.
    pub ttl: u32,
}

/// Tab completion in progress: repeated Tab cycles through `candidates`.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// Byte offset in the input line where the completed word starts.
    pub start: usize,
    pub candidates: Vec<String>,
    pub index: usize,
}

/// A message sent but not yet acknowledged (shown as "sending…").
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub client_id: String,
    pub group: Id,
    pub content: String,
    pub to: Option<String>,
}

/// Sent lines, for Up/Down recall.
#[derive(Debug, Clone, Default)]
pub struct InputHistory {
    pub entries: Vec<String>,
    /// Index into `entries` while browsing; `None` when editing a new line.
    pub browsing: Option<usize>,
    /// The unsent line put aside while browsing.
    pub draft: Option<String>,
}

/// Which section of the side pane the user asked for last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaneFocus {
    #[default]
    Commitments,
    Liabilities,
}

/// The whole chat.
pub struct App {
    pub me: UserRef,
    pub groups: Vec<GroupView>,
    pub active: Option<usize>,
    pub conn: ConnState,
    pub notice: Option<Notice>,
    pub input: InputLine,
    pub history: InputHistory,
    /// Messages on their way to the server, oldest first.
    pub outbox: Vec<Outgoing>,
    pub completion: Option<Completion>,
    pub side_pane: bool,
    pub pane_focus: PaneFocus,
    /// Lines the side pane is scrolled down.
    pub pane_scroll: usize,
    pub show_help: bool,
    /// Lines the help window is scrolled down.
    pub help_scroll: usize,
    pub should_quit: bool,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// A `/join` waiting for the group list to be refreshed.
    pub pending_join: Option<String>,
    /// Groups the user asked to leave, until the server has answered.
    pub leaving: Vec<Id>,
    /// The group (its name) that was on screen when it went away while the user had
    /// text typed: the next send is held back once, so the text does not silently go to
    /// the group that replaced it.
    pub displaced_from: Option<String>,
    /// Seconds since the group list was last refreshed.
    pub ticks_since_refresh: u32,
    /// Whether the connection was up at least once (to notice reconnects).
    pub was_connected: bool,
    /// Prefix of this session's client ids, so that `update` itself stays deterministic.
    pub session: String,
    /// Messages sent so far in this session.
    pub sent: u64,
    /// What rings the bell, per group name or id (from the config file).
    pub notify: std::collections::BTreeMap<String, NotifyLevel>,
    /// The bell should ring once the screen is drawn.
    pub ring: bool,
    /// My message being edited (group, seq): Enter saves it, Esc gives up.
    pub editing: Option<(Id, i64)>,
    /// The chat opened from its cache while the server was down: the group list is
    /// fetched once connected.
    pub started_offline: bool,
    /// The results of the last `/search`, shown in the side pane.
    pub search: Option<SearchResults>,
    /// Ticks (seconds) since the chat opened.
    pub ticks: u64,
    /// When `typing` was last told to the server (tick), so it goes at most every few
    /// seconds.
    pub typing_told: Option<u64>,
}

/// What `/search` found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub group: Id,
    pub query: String,
    pub messages: Vec<Message>,
}

impl App {
    /// The chat for `me` with the groups the server listed, in the server's order (the
    /// order the user joined them), so Alt+N numbers stay put when a group is added.
    pub fn new(me: UserRef, groups: Vec<Group>, size: (u16, u16)) -> Self {
        let groups: Vec<GroupView> = groups.into_iter().map(GroupView::listed).collect();
        let active = if groups.is_empty() { None } else { Some(0) };
        App {
            me,
            groups,
            active,
            conn: ConnState::Connecting,
            notice: None,
            input: InputLine::default(),
            history: InputHistory::default(),
            outbox: Vec::new(),
            completion: None,
            side_pane: false,
            pane_focus: PaneFocus::default(),
            pane_scroll: 0,
            show_help: false,
            help_scroll: 0,
            should_quit: false,
            size,
            pending_join: None,
            leaving: Vec::new(),
            displaced_from: None,
            ticks_since_refresh: 0,
            was_connected: false,
            session: uuid::Uuid::new_v4().simple().to_string(),
            sent: 0,
            notify: Default::default(),
            ring: false,
            editing: None,
            started_offline: false,
            search: None,
            ticks: 0,
            typing_told: None,
        }
    }

    /// What rings the bell in `group`: its setting by id, else by name, else mentions.
    pub fn notify_level(&self, group: &Group) -> NotifyLevel {
        self.notify
            .get(&group.id.to_string())
            .or_else(|| self.notify.get(&group.name))
            .copied()
            .unwrap_or_default()
    }

    /// The terminal title: `quid — 3 unread` while messages that ring the bell wait.
    pub fn title(&self) -> String {
        let alerts: usize = self
            .groups
            .iter()
            .map(|g| g.alerts + g.privates.iter().map(|p| p.alerts).sum::<usize>())
            .sum();
        if alerts == 0 {
            "quid".to_owned()
        } else {
            format!("quid — {alerts} unread")
        }
    }

    /// Restores where the user stopped reading each group in an earlier run (`mark`): the
    /// later messages count as unread as they are replayed, and the "new messages" line
    /// goes after the mark. A mark at or past the group's head is ignored.
    pub fn restore_read_marks(&mut self, mark: impl Fn(Id) -> Option<i64>) {
        // a position kept by the server wins over the file
        for view in self.groups.iter_mut().filter(|v| v.counted_upto == 0) {
            let head = view.group.head;
            if let Some(seq) = mark(view.group.id).filter(|seq| (0..head).contains(seq)) {
                view.read_upto = seq;
                view.marker = Some(seq);
            }
        }
    }

    /// How far the user has read each group, to restore next time: the group on screen
    /// is read to its last message.
    pub fn read_marks(&self) -> Vec<(Id, i64)> {
        self.groups
            .iter()
            .enumerate()
            .map(|(i, view)| {
                let read = if self.active == Some(i) && view.showing.is_none() {
                    view.read_upto.max(view.last_seq())
                } else {
                    view.read_upto
                };
                (view.group.id, read)
            })
            .collect()
    }

    /// The group on screen.
    pub fn active_group(&self) -> Option<&GroupView> {
        self.active.and_then(|i| self.groups.get(i))
    }

    /// The group on screen, mutably.
    pub fn active_group_mut(&mut self) -> Option<&mut GroupView> {
        self.active.and_then(|i| self.groups.get_mut(i))
    }

    /// The index of a group by id.
    pub fn index_of(&self, group: Id) -> Option<usize> {
        self.groups.iter().position(|g| g.group.id == group)
    }

    /// A fresh client id for the next message (the server dedupes retries by it).
    pub fn next_client_id(&mut self) -> String {
        self.sent += 1;
        format!("{}-{}", self.session, self.sent)
    }

    /// The input's text, lines joined by newlines.
    pub fn input_text(&self) -> String {
        self.input.text().to_owned()
    }

    /// Whether `message` mentions the user by name.
    pub fn mentions_me(&self, message: &Message) -> bool {
        message.kind == MessageKind::User
            && message.author.as_ref().is_none_or(|a| a.id != self.me.id)
            && crate::notify::mentions(&message.content, &self.me.username)
    }

    /// Shows a line in the status bar for a few seconds.
    pub fn notify(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            is_error: false,
            ttl: 6,
        });
    }

    /// Shows an error in the status bar (longer than a notice).
    pub fn error(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            is_error: true,
            ttl: 12,
        });
    }
}
