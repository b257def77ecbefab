//! What a group's view learns besides its messages: the read position and unread count
//! the server keeps, member changes, the private conversation shown (`/query`), and my
//! last message (for editing).

use quid_shared::{Group, Id, Message, MessageKind, UserRef};

use super::app::GroupView;

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

    /// The user read up to `seq` (here or on another device): what is before it is no
    /// longer unread.
    pub fn mark_read(&mut self, seq: i64, me: Id) {
        if seq <= self.read_upto {
            return;
        }
        self.read_upto = seq;
        self.unread = self
            .messages
            .iter()
            .filter(|m| m.seq > seq && m.author.as_ref().is_none_or(|a| a.id != me))
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

    /// Whether `message` is shown: everything, or in a private conversation with one
    /// member only the private messages between them and `me`.
    pub fn shows(&self, message: &Message, me: Id) -> bool {
        let Some(other) = &self.query else {
            return true;
        };
        let author = message.author.as_ref().map(|a| a.id);
        message.private
            && ((author == Some(me) && message.target == Some(other.id))
                || (author == Some(other.id) && message.target == Some(me)))
    }

    /// My newest message here that I can still edit.
    pub fn last_own(&self, me: Id) -> Option<&Message> {
        self.messages.iter().rev().find(|m| {
            m.kind == MessageKind::User
                && !m.is_deleted()
                && m.author.as_ref().is_some_and(|a| a.id == me)
        })
    }
}
