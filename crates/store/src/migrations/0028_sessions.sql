-- Sessions of `hairyo serve` in the database, so they survive a restart and every server on
-- one database shares them. Only hashes of the tokens are stored: a copy of this table signs
-- nobody in.
CREATE TABLE session (
    token_hash   TEXT NOT NULL PRIMARY KEY,
    csrf_hash    TEXT NOT NULL,
    staff_id     INTEGER NOT NULL REFERENCES staff(id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX session_staff ON session(staff_id);
