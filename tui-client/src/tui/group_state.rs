//! What a group's view learns besides its messages: the read position and unread count
//! the server keeps, member changes, my last message (for editing) — and its private
//! conversations (`/query bob`), each a buffer of its own: numbered after the group,
//! with its own read position, unread count and bell, kept between runs.

use quid_shared::{Group, Id, Message, MessageKind, UserRef};

use super::app::{App, Buffer, GroupView, PrivateView};
use super::cache::KeptPrivate;

impl App {
    /// Every buffer in the order listed and numbered (Alt+N): each group, then its
    /// private conversations in the order they were opened.
    pub fn buffers(&self) -> Vec<Buffer> {
        self.groups
            .iter()
            .enumerate()
            .flat_map(|(group, view)| {
                std::iter::once(None)
                    .chain(view.privates.iter().map(|p| Some(p.with.id)))
                    .map(move |with| Buffer { group, with })
            })
            .collect()
    }

    /// The buffer on screen.
    pub fn active_buffer(&self) -> Option<Buffer> {
        let group = self.active?;
        let with = self.groups.get(group)?.showing;
        Some(Buffer { group, with })
    }

    /// A buffer's unread count, and whether one of them is a mention.
    pub fn activity(&self, buffer: Buffer) -> (usize, bool) {
        let Some(view) = self.groups.get(buffer.group) else {
            return (0, false);
        };
        match buffer.with.and_then(|with| view.private(with)) {
            Some(private) => (private.unread, private.unread > 0),
            None => (view.unread, view.mentioned),
        }
    }

    /// The private conversations open, to keep for the next run: the one on screen is
    /// read to its last message.
    pub fn kept_privates(&self) -> Vec<KeptPrivate> {
        let on_screen = self.active_buffer();
        self.groups
            .iter()
            .enumerate()
            .flat_map(|(group, view)| {
                view.privates.iter().map(move |p| {
                    let buffer = Buffer {
                        group,
                        with: Some(p.with.id),
                    };
                    let read = if on_screen == Some(buffer) {
                        p.read_upto.max(view.last_seq())
                    } else {
                        p.read_upto
                    };
                    KeptPrivate {
                        group: view.group.id,
                        with: p.with.clone(),
                        read,
                    }
                })
            })
            .collect()
    }

    /// Opens again the private conversations kept from an earlier run, in groups the
    /// user is still in; what arrived after their read position counts as unread as it
    /// is replayed.
    pub fn restore_privates(&mut self, kept: &[KeptPrivate]) {
        for private in kept {
            if let Some(index) = self.index_of(private.group) {
                let view = &mut self.groups[index];
                if view.private(private.with.id).is_none() {
                    view.privates.push(PrivateView {
                        with: private.with.clone(),
                        read_upto: private.read,
                        marker: None,
                        unread: 0,
                        alerts: 0,
                    });
                }
            }
        }
    }
}

impl GroupView {
    /// A group as the server lists it with the caller's read position: the unread count
    /// is the server's (exact, however little is loaded) and the "new messages" line goes
    /// after the position. A server that keeps no positions (both 0) leaves it to
    /// [`GroupView::new`].
    pub fn listed(group: Group) -> Self {
        let (read, unread, head) = (group.read, group.unread, group.head);
        let mut view = GroupView::new(group);
        if read > 0 || unread > 0 {
            view.read_upto = read.min(head);
            view.read_sent = view.read_upto;
            view.unread = usize::try_from(unread).unwrap_or(0);
            view.counted_upto = head;
            view.marker = (read < head).then_some(read);
        }
        view
    }

    /// The user read the group up to `seq` (here or on another device): what is before it
    /// is no longer unread. Its private conversations keep their own counts.
    pub fn mark_read(&mut self, seq: i64, me: Id) {
        if seq <= self.read_upto {
            return;
        }
        self.read_upto = seq;
        self.unread = self
            .messages
            .iter()
            .filter(|m| m.seq > seq && m.author.as_ref().is_none_or(|a| a.id != me))
            .filter(|m| self.private_of(m, me).is_none())
            .count();
        if self.unread == 0 {
            self.mentioned = false;
        }
    }

    /// A member was added, removed or left: the member list follows, and a line says so.
    pub fn member_changed(
        &mut self,
        change: quid_shared::MemberChange,
        user: UserRef,
        by: Option<UserRef>,
    ) {
        use quid_shared::MemberChange;
        let by = by.map_or(String::new(), |b| format!(" by {}", b.username));
        let text = match change {
            MemberChange::Added => format!("{} was added{by}", user.username),
            MemberChange::Removed => format!("{} was removed{by}", user.username),
            MemberChange::Left => format!("{} left", user.username),
        };
        match change {
            MemberChange::Added => {
                if !self.group.members.iter().any(|m| m.id == user.id) {
                    self.group.members.push(user);
                }
            }
            MemberChange::Removed | MemberChange::Left => {
                self.group.members.retain(|m| m.id != user.id);
                self.online.retain(|id| *id != user.id);
            }
        }
        let after = self.last_seq();
        self.system_lines.push((after, text));
    }

    /// The members' names, `●bob` for those connected now.
    pub fn member_names(&self) -> Vec<String> {
        self.group
            .members
            .iter()
            .map(|m| {
                if self.online.contains(&m.id) {
                    format!("●{}", m.username)
                } else {
                    m.username.clone()
                }
            })
            .collect()
    }

    /// Whether `message` is shown in the buffer on screen: in a private conversation the
    /// private messages between its other party and me, in the group everything else.
    pub fn shows(&self, message: &Message, me: Id) -> bool {
        self.private_of(message, me) == self.showing
    }

    /// The private conversation `message` belongs to (its other party), if it is open.
    pub fn private_of(&self, message: &Message, me: Id) -> Option<Id> {
        other_party(message, me).filter(|with| self.private(*with).is_some())
    }

    pub fn private(&self, with: Id) -> Option<&PrivateView> {
        self.privates.iter().find(|p| p.with.id == with)
    }

    pub fn private_mut(&mut self, with: Id) -> Option<&mut PrivateView> {
        self.privates.iter_mut().find(|p| p.with.id == with)
    }

    /// The other party of the private conversation on screen.
    pub fn query(&self) -> Option<&UserRef> {
        self.showing
            .and_then(|with| self.private(with))
            .map(|p| &p.with)
    }

    /// Opens the private conversation with `with` (once): what of it the group counted
    /// as unread now counts there.
    pub fn open_private(&mut self, with: UserRef, me: Id) {
        if self.private(with.id).is_some() {
            return;
        }
        let moved = self
            .messages
            .iter()
            .filter(|m| m.seq > self.read_upto && other_party(m, me) == Some(with.id))
            .filter(|m| m.author.as_ref().is_some_and(|a| a.id == with.id))
            .count();
        self.unread = self.unread.saturating_sub(moved);
        self.privates.push(PrivateView {
            with,
            read_upto: self.read_upto,
            marker: None,
            unread: moved,
            alerts: 0,
        });
    }

    /// Closes the private conversation with `with`: its messages show in the group
    /// again, and what was unread there counts in the group.
    pub fn close_private(&mut self, with: Id) -> Option<PrivateView> {
        let at = self.privates.iter().position(|p| p.with.id == with)?;
        let closed = self.privates.remove(at);
        self.unread += closed.unread;
        self.alerts += closed.alerts;
        self.mentioned |= closed.unread > 0;
        if self.showing == Some(with) {
            self.showing = None;
        }
        Some(closed)
    }

    /// My newest message in the buffer on screen that I can still edit.
    pub fn last_own(&self, me: Id) -> Option<&Message> {
        self.messages.iter().rev().find(|m| {
            m.kind == MessageKind::User
                && !m.is_deleted()
                && m.author.as_ref().is_some_and(|a| a.id == me)
                && self.shows(m, me)
        })
    }
}

/// The other party of a private message between someone and me.
fn other_party(message: &Message, me: Id) -> Option<Id> {
    if !message.private || message.kind != MessageKind::User {
        return None;
    }
    let author = message.author.as_ref()?.id;
    if author == me {
        message.target
    } else {
        (message.target == Some(me)).then_some(author)
    }
}
