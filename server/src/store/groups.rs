//! Group and membership queries.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, WriteCtx, from_ms, messages, now_ms, parse_id, reads};
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
pub fn membership(conn: &Connection, group: Id, user: Id) -> Result<Membership, StoreError> {
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
pub fn exists(conn: &Connection, group: Id) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM groups WHERE id = ?1")?
        .exists([group.to_string()])?)
}

/// Whether `user` is a member of `group`.
pub fn is_member(conn: &Connection, group: Id, user: Id) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM members WHERE group_id = ?1 AND user_id = ?2")?
        .exists([group.to_string(), user.to_string()])?)
}

/// Whether `creator` already made a group of this name (ignoring case): a second one
/// could not be told apart by name (`/join team`).
pub fn creator_has_name(conn: &Connection, creator: Id, name: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM groups WHERE created_by = ?1 AND lower(name) = lower(?2)")?
        .exists([creator.to_string(), name.to_owned()])?)
}

/// Sets (or with `None` clears) the group's topic.
pub fn set_topic(conn: &Connection, group: Id, topic: Option<&str>) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE groups SET topic = ?2 WHERE id = ?1")?
        .execute(params![group.to_string(), topic])?;
    Ok(())
}

/// Creates a group with `creator` as its first member.
pub fn create(
    conn: &Connection,
    creator: Id,
    name: &str,
    description: Option<&str>,
) -> Result<Id, StoreError> {
    let id = Id::new_v4();
    let now = now_ms();
    conn.prepare_cached(
        "INSERT INTO groups (id, name, description, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id.to_string(), name, description, creator.to_string(), now])?;
    add_member(conn, id, creator)?;
    reads::mark(conn, id, creator, 0)?;
    set_role(conn, id, creator, Role::Admin)?;
    Ok(id)
}

/// Adds `user` to `group`; `false` when already a member.
pub fn add_member(conn: &Connection, group: Id, user: Id) -> Result<bool, StoreError> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO members (group_id, user_id, joined_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![group.to_string(), user.to_string(), now_ms()])?;
    Ok(added == 1)
}

/// Removes `user` from `group`; `false` when not a member. Only the writer removes, and
/// it forgets the membership it may have remembered ([`WriteCtx::membership`]).
pub fn remove_member(ctx: &mut WriteCtx<'_>, group: Id, user: Id) -> Result<bool, StoreError> {
    ctx.forget_member(group, user);
    reads::forget(ctx.conn(), group, user)?;
    let removed = ctx
        .conn()
        .prepare_cached("DELETE FROM members WHERE group_id = ?1 AND user_id = ?2")?
        .execute([group.to_string(), user.to_string()])?;
    Ok(removed == 1)
}

/// A group with its members and head; `None` when it does not exist.
pub fn load(conn: &Connection, group: Id) -> Result<Option<Group>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT name, description, created_by, created_at, topic FROM groups WHERE id = ?1",
        )?
        .query_row([group.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .optional()?;
    let Some((name, description, created_by, created_at, topic)) = row else {
        return Ok(None);
    };
    Ok(Some(Group {
        id: group,
        name,
        description,
        created_by: parse_id(&created_by)?,
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
pub fn load_for(conn: &Connection, group: Id, viewer: Id) -> Result<Option<Group>, StoreError> {
    let Some(mut loaded) = load(conn, group)? else {
        return Ok(None);
    };
    loaded.read = reads::position(conn, group, viewer)?.unwrap_or(0);
    loaded.unread = reads::unread(conn, group, viewer, loaded.read)?;
    Ok(Some(loaded))
}

/// The ids of the groups `user` belongs to.
pub fn ids_of_user(conn: &Connection, user: Id) -> Result<Vec<Id>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT group_id FROM members WHERE user_id = ?1")?;
    let rows = stmt.query_map([user.to_string()], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(parse_id(&row?)?);
    }
    Ok(out)
}

/// The members of `group`, by username.
pub fn members(conn: &Connection, group: Id) -> Result<Vec<UserRef>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.username FROM members m JOIN users u ON u.id = m.user_id
         WHERE m.group_id = ?1 ORDER BY u.username",
    )?;
    let rows = stmt.query_map([group.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, username) = row?;
        out.push(UserRef {
            id: parse_id(&id)?,
            username,
        });
    }
    Ok(out)
}

/// The groups `user` belongs to, in the order they joined them, with `user`'s read
/// positions.
pub fn list_for_user(conn: &Connection, user: Id) -> Result<Vec<Group>, StoreError> {
    let ids: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT g.id FROM members m JOIN groups g ON g.id = m.group_id
             WHERE m.user_id = ?1 ORDER BY m.joined_at, g.created_at, g.id",
        )?;
        let rows = stmt.query_map([user.to_string()], |r| r.get::<_, String>(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut groups = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(group) = load_for(conn, parse_id(&id)?, user)? {
            groups.push(group);
        }
    }
    Ok(groups)
}

/// The member of `group` named by `who`: a user id or a username.
pub fn find_member(conn: &Connection, group: Id, who: &str) -> Result<Option<UserRef>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT u.id, u.username FROM members m JOIN users u ON u.id = m.user_id
             WHERE m.group_id = ?1 AND (u.id = ?2 OR u.username = ?2)",
        )?
        .query_row([group.to_string(), who.to_owned()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?;
    row.map(|(id, username)| {
        Ok(UserRef {
            id: parse_id(&id)?,
            username,
        })
    })
    .transpose()
}

/// `user`'s role in `group`; `None` when not a member.
pub fn role(conn: &Connection, group: Id, user: Id) -> Result<Option<Role>, StoreError> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM members WHERE group_id = ?1 AND user_id = ?2")?
        .query_row([group.to_string(), user.to_string()], |r| r.get(0))
        .optional()?;
    Ok(role.map(|r| {
        if r == "admin" {
            Role::Admin
        } else {
            Role::Member
        }
    }))
}

/// Sets `user`'s role in `group`; `false` when not a member.
pub fn set_role(conn: &Connection, group: Id, user: Id, role: Role) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached("UPDATE members SET role = ?3 WHERE group_id = ?1 AND user_id = ?2")?
        .execute(params![group.to_string(), user.to_string(), role.as_str()])?;
    Ok(changed == 1)
}

/// The admins of `group`, by id.
pub fn admins(conn: &Connection, group: Id) -> Result<Vec<Id>, StoreError> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT user_id FROM members WHERE group_id = ?1 AND role = 'admin' ORDER BY user_id",
        )?
        .query_map([group.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// The groups `user` is a member of, by id.
pub fn ids_of_member(conn: &Connection, user: Id) -> Result<Vec<Id>, StoreError> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT group_id FROM members WHERE user_id = ?1")?
        .query_map([user.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// A group left without an admin (its last one deleted their account) gets its
/// longest-standing member as admin, so someone can still invite and remove.
pub fn ensure_admin(conn: &Connection, group: Id) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE members SET role = 'admin'
         WHERE group_id = ?1 AND user_id = (
             SELECT user_id FROM members WHERE group_id = ?1 ORDER BY joined_at, user_id LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM members WHERE group_id = ?1 AND role = 'admin')",
    )?
    .execute([group.to_string()])?;
    Ok(())
}
