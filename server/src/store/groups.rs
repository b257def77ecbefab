//! Group and membership queries.

use super::sql::{Conn, args};

use super::{StoreError, WriteCtx, from_ms, messages, now_ms, reads};
use quid_shared::{Group, Id, Role, UserRef};

/// Where a user stands with a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    /// The group does not exist.
    NoGroup,
    /// The group exists; the user is not in it.
    NotMember,
    /// The user is a member.
    Member,
}

/// Where `user` stands with `group`.
pub fn membership(conn: &Conn, group: Id, user: Id) -> Result<Membership, StoreError> {
    if is_member(conn, group, user)? {
        return Ok(Membership::Member);
    }
    Ok(if exists(conn, group)? {
        Membership::NotMember
    } else {
        Membership::NoGroup
    })
}

/// Whether `group` exists.
pub fn exists(conn: &Conn, group: Id) -> Result<bool, StoreError> {
    conn.exists("SELECT 1 FROM groups WHERE id = ?1", args![group])
}

/// Whether `user` is a member of `group`.
pub fn is_member(conn: &Conn, group: Id, user: Id) -> Result<bool, StoreError> {
    conn.exists(
        "SELECT 1 FROM members WHERE group_id = ?1 AND user_id = ?2",
        args![group, user],
    )
}

/// Whether `creator` already made a group of this name (ignoring case): a second one
/// could not be told apart by name (`/join team`).
pub fn creator_has_name(conn: &Conn, creator: Id, name: &str) -> Result<bool, StoreError> {
    conn.exists(
        "SELECT 1 FROM groups WHERE created_by = ?1 AND lower(name) = lower(?2)",
        args![creator, name],
    )
}

/// Sets (or with `None` clears) the group's topic.
pub fn set_topic(conn: &Conn, group: Id, topic: Option<&str>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE groups SET topic = ?2 WHERE id = ?1",
        args![group, topic],
    )?;
    Ok(())
}

/// Creates a group with `creator` as its first member.
pub fn create(
    conn: &Conn,
    creator: Id,
    name: &str,
    description: Option<&str>,
) -> Result<Id, StoreError> {
    let id = Id::new_v4();
    let now = now_ms();
    conn.execute(
        "INSERT INTO groups (id, name, description, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![id, name, description, creator, now],
    )?;
    add_member(conn, id, creator)?;
    reads::mark(conn, id, creator, 0)?;
    set_role(conn, id, creator, Role::Admin)?;
    Ok(id)
}

/// Adds `user` to `group`; `false` when already a member.
pub fn add_member(conn: &Conn, group: Id, user: Id) -> Result<bool, StoreError> {
    let added = conn.execute(
        "INSERT INTO members (group_id, user_id, joined_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        args![group, user, now_ms()],
    )?;
    Ok(added == 1)
}

/// Removes `user` from `group`; `false` when not a member. Only the writer removes, and
/// it forgets the membership it may have remembered ([`WriteCtx::membership`]).
pub fn remove_member(ctx: &mut WriteCtx<'_>, group: Id, user: Id) -> Result<bool, StoreError> {
    ctx.forget_member(group, user);
    reads::forget(ctx.conn(), group, user)?;
    let removed = ctx.conn().execute(
        "DELETE FROM members WHERE group_id = ?1 AND user_id = ?2",
        args![group, user],
    )?;
    Ok(removed == 1)
}

/// A group with its members and head; `None` when it does not exist.
pub fn load(conn: &Conn, group: Id) -> Result<Option<Group>, StoreError> {
    let row = conn.one(
        "SELECT name, description, created_by, created_at, topic FROM groups WHERE id = ?1",
        args![group],
        |r| {
            Ok((
                r.text(0)?,
                r.opt_text(1)?,
                r.id(2)?,
                r.int(3)?,
                r.opt_text(4)?,
            ))
        },
    )?;
    let Some((name, description, created_by, created_at, topic)) = row else {
        return Ok(None);
    };
    Ok(Some(Group {
        id: group,
        name,
        description,
        created_by,
        created_at: from_ms(created_at)?,
        head: messages::head(conn, group)?,
        members: members(conn, group)?,
        topic,
        read: 0,
        unread: 0,
        admins: admins(conn, group)?,
    }))
}

/// [`load`], with `viewer`'s read position and unread count filled in.
pub fn load_for(conn: &Conn, group: Id, viewer: Id) -> Result<Option<Group>, StoreError> {
    let Some(mut loaded) = load(conn, group)? else {
        return Ok(None);
    };
    loaded.read = reads::position(conn, group, viewer)?.unwrap_or(0);
    loaded.unread = reads::unread(conn, group, viewer, loaded.read)?;
    Ok(Some(loaded))
}

/// The ids of the groups `user` belongs to.
pub fn ids_of_user(conn: &Conn, user: Id) -> Result<Vec<Id>, StoreError> {
    conn.all(
        "SELECT group_id FROM members WHERE user_id = ?1",
        args![user],
        |r| r.id(0),
    )
}

/// The members of `group`, by username.
pub fn members(conn: &Conn, group: Id) -> Result<Vec<UserRef>, StoreError> {
    conn.all(
        "SELECT u.id, u.username FROM members m JOIN users u ON u.id = m.user_id
         WHERE m.group_id = ?1 ORDER BY u.username",
        args![group],
        user_ref,
    )
}

/// The groups `user` belongs to, in the order they joined them, with `user`'s read
/// positions.
pub fn list_for_user(conn: &Conn, user: Id) -> Result<Vec<Group>, StoreError> {
    let ids = conn.all(
        "SELECT g.id FROM members m JOIN groups g ON g.id = m.group_id
         WHERE m.user_id = ?1 ORDER BY m.joined_at, g.created_at, g.id",
        args![user],
        |r| r.id(0),
    )?;
    let mut groups = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(group) = load_for(conn, id, user)? {
            groups.push(group);
        }
    }
    Ok(groups)
}

/// The member of `group` named by `who`: a user id or a username.
pub fn find_member(conn: &Conn, group: Id, who: &str) -> Result<Option<UserRef>, StoreError> {
    conn.one(
        "SELECT u.id, u.username FROM members m JOIN users u ON u.id = m.user_id
         WHERE m.group_id = ?1 AND (u.id = ?2 OR u.username = ?2)",
        args![group, who],
        user_ref,
    )
}

/// `user`'s role in `group`; `None` when not a member.
pub fn role(conn: &Conn, group: Id, user: Id) -> Result<Option<Role>, StoreError> {
    let role = conn.text(
        "SELECT role FROM members WHERE group_id = ?1 AND user_id = ?2",
        args![group, user],
    )?;
    Ok(role.map(|r| {
        if r == "admin" {
            Role::Admin
        } else {
            Role::Member
        }
    }))
}

/// Sets `user`'s role in `group`; `false` when not a member.
pub fn set_role(conn: &Conn, group: Id, user: Id, role: Role) -> Result<bool, StoreError> {
    let changed = conn.execute(
        "UPDATE members SET role = ?3 WHERE group_id = ?1 AND user_id = ?2",
        args![group, user, role.as_str()],
    )?;
    Ok(changed == 1)
}

/// The admins of `group`, by id.
pub fn admins(conn: &Conn, group: Id) -> Result<Vec<Id>, StoreError> {
    conn.all(
        "SELECT user_id FROM members WHERE group_id = ?1 AND role = 'admin' ORDER BY user_id",
        args![group],
        |r| r.id(0),
    )
}

/// The groups `user` is a member of, by id.
pub fn ids_of_member(conn: &Conn, user: Id) -> Result<Vec<Id>, StoreError> {
    ids_of_user(conn, user)
}

/// A group left without an admin (its last one deleted their account) gets its
/// longest-standing member as admin, so someone can still invite and remove.
pub fn ensure_admin(conn: &Conn, group: Id) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE members SET role = 'admin'
         WHERE group_id = ?1 AND user_id = (
             SELECT user_id FROM members WHERE group_id = ?1 ORDER BY joined_at, user_id LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM members WHERE group_id = ?1 AND role = 'admin')",
        args![group],
    )?;
    Ok(())
}

/// A row of `(id, username)` as a [`UserRef`].
fn user_ref(r: &dyn super::sql::SqlRow) -> Result<UserRef, StoreError> {
    Ok(UserRef {
        id: r.id(0)?,
        username: r.text(1)?,
    })
}
