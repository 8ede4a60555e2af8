-- #16: a facility campaign (R6) followed to each resident's outcome: when the forms went out, the
-- deadline for their return, and per resident whether the form came back and what became of it.
CREATE TABLE facility_campaign (
    id              INTEGER PRIMARY KEY,
    facility_id     INTEGER NOT NULL REFERENCES facility(id),
    started_on      TEXT NOT NULL,
    deadline        TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    staff_id        INTEGER NOT NULL REFERENCES staff(id),
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX facility_campaign_facility ON facility_campaign(facility_id, started_on);

CREATE TABLE campaign_resident (
    campaign_id     INTEGER NOT NULL REFERENCES facility_campaign(id),
    person_id       INTEGER NOT NULL REFERENCES person(id),
    sent_on         TEXT NOT NULL,
    returned_on     TEXT,
    outcome         TEXT NOT NULL DEFAULT 'awaited'
                    CHECK (outcome IN ('awaited', 'applied', 'declined', 'not_needed', 'left')),
    application_id  INTEGER REFERENCES application(id),
    note            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, person_id)
) STRICT;
CREATE INDEX campaign_resident_person ON campaign_resident(person_id);
