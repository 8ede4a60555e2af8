-- Keeping records no longer than needed. A person's end (転出, 死亡, 資格喪失) with its day,
-- from which the city's retention periods count; the moves recorded so far are ends already.
-- And the disposal record: what went, by whom, when; never what it said.
CREATE TABLE person_end (
    person_id   INTEGER PRIMARY KEY REFERENCES person(id),
    cause       TEXT NOT NULL CHECK (cause = 'moved_out' OR cause = 'died' OR cause = 'lost_eligibility'),
    ended_on    TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
INSERT INTO person_end (person_id, cause, ended_on, recorded_at) SELECT person_id, 'moved_out', moved_on, created_at FROM move_out;
CREATE INDEX person_end_day ON person_end(ended_on);

CREATE TABLE disposal (
    id          INTEGER PRIMARY KEY,
    disposed_at TEXT NOT NULL,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    person_ref  INTEGER NOT NULL,
    scope       TEXT NOT NULL CHECK (scope = 'person' OR scope = 'touchpoints' OR scope = 'referrals' OR scope = 'applications' OR scope = 'certificates'),
    cause       TEXT NOT NULL,
    ended_on    TEXT NOT NULL,
    removed     INTEGER NOT NULL
);
CREATE INDEX disposal_at ON disposal(disposed_at);
