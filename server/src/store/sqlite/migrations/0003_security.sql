-- Revocable sessions, deleted accounts, member roles and invitations.

-- One row per login: a token carries its session's id and is accepted only while the
-- session is open. Ended by logout, logout everywhere, a password change or deletion.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    client      TEXT,            -- the User-Agent at login, shortened
    address     TEXT             -- the client address at login
);
CREATE INDEX sessions_by_user ON sessions(user_id, ended_at);

-- A deleted account keeps its row (its messages still point at it) under a name no one
-- can register, with no usable password; messages show its author as "deleted user".
ALTER TABLE users ADD COLUMN deleted_at INTEGER;

-- 'admin' or 'member'. A group's creator is an admin that no other admin can remove.
ALTER TABLE members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
UPDATE members SET role = 'admin'
 WHERE EXISTS (SELECT 1 FROM groups g
                WHERE g.id = members.group_id AND g.created_by = members.user_id);

-- Invitations: the code itself is never stored, only its SHA-256.
CREATE TABLE invites (
    id          TEXT PRIMARY KEY,   -- short public id, for listing and revoking
    code_hash   TEXT NOT NULL UNIQUE,
    group_id    TEXT NOT NULL REFERENCES groups(id),
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    max_uses    INTEGER,            -- NULL: any number until it expires
    uses        INTEGER NOT NULL DEFAULT 0,
    revoked_at  INTEGER
);
CREATE INDEX invites_by_group ON invites(group_id, created_at);
