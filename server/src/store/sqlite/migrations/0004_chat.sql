-- The chat people expect: edits keep their earlier texts, reactions, read positions kept
-- on the server, a group topic, and full-text search over message texts.

-- every earlier text of an edited message, for its author
CREATE TABLE message_versions (
    message_id  INTEGER NOT NULL REFERENCES messages(id),
    content     TEXT NOT NULL,
    replaced_at INTEGER NOT NULL
);
CREATE INDEX message_versions_by_message ON message_versions(message_id, replaced_at);

-- one row per (message, user, emoji) given
CREATE TABLE reactions (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    emoji      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
) WITHOUT ROWID;

-- how far each member has read each group (seq)
CREATE TABLE read_markers (
    group_id TEXT NOT NULL REFERENCES groups(id),
    user_id  TEXT NOT NULL REFERENCES users(id),
    seq      INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

-- members of today count what they have as read; a group one is added to later has no
-- marker, so all of it is unread
INSERT INTO read_markers (group_id, user_id, seq)
SELECT m.group_id, m.user_id, COALESCE((SELECT MAX(seq) FROM messages WHERE group_id = m.group_id), 0)
FROM members m;

ALTER TABLE groups ADD COLUMN topic TEXT;

-- a creator's groups are told apart by name
CREATE INDEX groups_by_creator ON groups(created_by, name);

-- (full-text search is indexed in a file of its own: see store/indexer.rs)
