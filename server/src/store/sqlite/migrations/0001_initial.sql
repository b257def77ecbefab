-- Accounts, groups, memberships and messages.
-- Ids of users and groups are UUID text; times are Unix milliseconds.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE groups (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL
);

CREATE TABLE members (
    group_id  TEXT NOT NULL REFERENCES groups(id),
    user_id   TEXT NOT NULL REFERENCES users(id),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

-- "my groups"
CREATE INDEX members_by_user ON members(user_id, group_id);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    group_id   TEXT NOT NULL REFERENCES groups(id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    author     TEXT REFERENCES users(id),
    content    TEXT NOT NULL,
    private    INTEGER NOT NULL DEFAULT 0,
    target     TEXT REFERENCES users(id),
    reply_to   INTEGER,
    client_id  TEXT,
    created_at INTEGER NOT NULL,
    meta       TEXT NOT NULL DEFAULT '{}',
    -- history, replay and the group head all walk this index
    UNIQUE (group_id, seq),
    -- idempotent retries: one message per (author, client_id)
    UNIQUE (author, client_id)
);
