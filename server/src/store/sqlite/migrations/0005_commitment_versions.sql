-- A commitment's version and how it was made (which reader read it), and the earlier
-- versions of commitments their authors changed.

ALTER TABLE commitments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE commitments ADD COLUMN meta TEXT;  -- JSON object, e.g. {"reader": "rules"}

CREATE TABLE commitment_versions (
    commitment_id  INTEGER NOT NULL REFERENCES commitments(id),
    version        INTEGER NOT NULL,
    conditions     TEXT NOT NULL,
    promises       TEXT NOT NULL,
    summary        TEXT NOT NULL,
    source_text    TEXT,
    source_message INTEGER,
    meta           TEXT,
    created_at     INTEGER NOT NULL,
    replaced_at    INTEGER NOT NULL,
    PRIMARY KEY (commitment_id, version)
) WITHOUT ROWID;
