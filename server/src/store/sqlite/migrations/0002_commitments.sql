-- Commitments, the questions asked to make them exact, and the last liabilities
-- announced per group (so that each change is announced once).

CREATE TABLE commitments (
    id             INTEGER PRIMARY KEY,
    group_id       TEXT NOT NULL REFERENCES groups(id),
    creator        TEXT NOT NULL REFERENCES users(id),
    status         TEXT NOT NULL DEFAULT 'active',
    conditions     TEXT NOT NULL,  -- JSON array of Condition
    promises       TEXT NOT NULL,  -- JSON array of Promise
    source_text    TEXT,
    source_message INTEGER,
    summary        TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);

-- the solver reads a group's active commitments; listings walk the group's
CREATE INDEX commitments_by_group ON commitments(group_id, status, id);

-- at most one open question per member and group: the next message answers it
CREATE TABLE clarifications (
    group_id   TEXT NOT NULL REFERENCES groups(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    pending    TEXT NOT NULL,  -- JSON: the sentence so far and what is missing
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

CREATE TABLE announced_liabilities (
    group_id    TEXT PRIMARY KEY REFERENCES groups(id),
    liabilities TEXT NOT NULL  -- JSON array of Liability
);
