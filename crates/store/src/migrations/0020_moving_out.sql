-- Moving out (転出): when a person moved to another municipality, where to, and who recorded
-- it. One row per person; their open items are closed in the same transaction.
CREATE TABLE move_out (
    person_id   INTEGER PRIMARY KEY REFERENCES person(id),
    moved_on    TEXT NOT NULL,
    moved_to    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    created_at  TEXT NOT NULL
);
