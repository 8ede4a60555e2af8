-- Sessions of `hairyo serve` in the database (SQLite's 0028).
CREATE TABLE session (
    token_hash   TEXT COLLATE "C" PRIMARY KEY,
    csrf_hash    TEXT COLLATE "C" NOT NULL,
    staff_id     BIGINT NOT NULL REFERENCES staff(id),
    created_at   TEXT COLLATE "C" NOT NULL,
    last_seen_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX session_staff ON session(staff_id);
