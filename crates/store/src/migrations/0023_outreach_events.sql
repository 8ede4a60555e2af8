-- #16 (R7): 出張申請 events, where the マイナンバー desk takes card applications away from the city
-- hall, and the paper 資格確認書 applications received there, each linked to its event.
CREATE TABLE outreach_event (
    id                  INTEGER PRIMARY KEY,
    held_on             TEXT NOT NULL,
    place               TEXT NOT NULL,
    with_mynumber_desk  INTEGER NOT NULL DEFAULT 1 CHECK (with_mynumber_desk IN (0, 1)),
    note                TEXT NOT NULL DEFAULT '',
    staff_id            INTEGER NOT NULL REFERENCES staff(id),
    created_at          TEXT NOT NULL
) STRICT;
CREATE INDEX outreach_event_day ON outreach_event(held_on);
ALTER TABLE application ADD COLUMN outreach_event_id INTEGER REFERENCES outreach_event(id);
CREATE INDEX application_outreach ON application(outreach_event_id) WHERE outreach_event_id IS NOT NULL;
