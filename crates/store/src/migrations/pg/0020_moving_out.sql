-- Moving out (転出), SQLite's 0020.
CREATE TABLE move_out (
    person_id   BIGINT PRIMARY KEY REFERENCES person(id),
    moved_on    TEXT COLLATE "C" NOT NULL,
    moved_to    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    staff_id    BIGINT NOT NULL REFERENCES staff(id),
    created_at  TEXT COLLATE "C" NOT NULL
);
