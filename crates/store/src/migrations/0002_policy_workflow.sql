-- Policy rules as data (route of a person to a 資格確認書) and workers' follow-ups.

CREATE TABLE policy_rule (
    id              TEXT PRIMARY KEY,
    priority        INTEGER NOT NULL,
    scheme          TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    effective_until TEXT,
    condition       TEXT NOT NULL DEFAULT '{}',
    route           TEXT NOT NULL CHECK (route IN ('ex_officio', 'on_application', 'kouki_provisional',
                                                   'other_insurer', 'not_needed', 'check_registration',
                                                   'not_applicable')),
    r_numbers       TEXT NOT NULL,
    explanation     TEXT NOT NULL,
    to_confirm      INTEGER NOT NULL DEFAULT 0 CHECK (to_confirm IN (0, 1)),
    source          TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE follow_up (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES person(id),
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    desk        TEXT NOT NULL REFERENCES desk(code),
    due_on      TEXT NOT NULL,
    note        TEXT NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX follow_up_due ON follow_up(done, due_on);
