-- Where the 別添3 poster is put up (R15): at which desk, in which place, which edition, from
-- when, and when it was taken down.
CREATE TABLE poster_posting (
    id          INTEGER PRIMARY KEY,
    desk        TEXT NOT NULL REFERENCES desk(code),
    place       TEXT NOT NULL,
    edition     TEXT NOT NULL,
    posted_on   TEXT NOT NULL,
    removed_on  TEXT,
    note        TEXT NOT NULL DEFAULT '',
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX poster_posting_desk ON poster_posting(desk, removed_on);
