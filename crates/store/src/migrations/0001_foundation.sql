-- The foundation schema: desks, staff, settings, persons, facilities, touchpoints,
-- referrals, applications, certificates, leaflet editions and the audit log.
-- No table has a column for a 個人番号 (My Number); see ARCHITECTURE.md.

CREATE TABLE desk (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    sort        INTEGER NOT NULL
) STRICT;

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    login       TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    desk        TEXT NOT NULL REFERENCES desk(code),
    role        TEXT NOT NULL CHECK (role IN ('caseworker', 'clerk', 'supervisor', 'admin')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE setting (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) STRICT;

CREATE TABLE facility (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('elderly', 'disability', 'children', 'other')),
    postal_code     TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    contact_name    TEXT NOT NULL DEFAULT '',
    campaign        TEXT NOT NULL DEFAULT 'none'
                    CHECK (campaign IN ('none', 'informed', 'collecting', 'done')),
    created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE person (
    id                  INTEGER PRIMARY KEY,
    atena_no            TEXT UNIQUE,
    name                TEXT NOT NULL,
    kana                TEXT NOT NULL,
    name_norm           TEXT NOT NULL,
    kana_norm           TEXT NOT NULL,
    birth_date          TEXT NOT NULL,
    sex                 TEXT NOT NULL CHECK (sex IN ('male', 'female', 'unstated')),
    postal_code         TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    householder         TEXT NOT NULL DEFAULT '',
    scheme              TEXT NOT NULL
                        CHECK (scheme IN ('kokuho', 'kouki', 'kumiai', 'employee', 'welfare', 'unknown')),
    insurer_no          TEXT NOT NULL DEFAULT '',
    card_symbol         TEXT NOT NULL DEFAULT '',
    card_number         TEXT NOT NULL DEFAULT '',
    card_branch         TEXT NOT NULL DEFAULT '',
    old_card_expiry     TEXT,
    mynumber_card       TEXT NOT NULL DEFAULT 'none' CHECK (mynumber_card IN ('none', 'card', 'face_auth')),
    registration        TEXT NOT NULL DEFAULT 'unknown'
                        CHECK (registration IN ('registered', 'not_registered', 'unknown')),
    wishes_cancel       INTEGER NOT NULL DEFAULT 0 CHECK (wishes_cancel IN (0, 1)),
    reasons             TEXT NOT NULL DEFAULT '',
    facility_id         INTEGER REFERENCES facility(id),
    legal_rep_kind      TEXT NOT NULL DEFAULT 'none' CHECK (legal_rep_kind IN ('none', 'guardian', 'parent')),
    legal_rep_name      TEXT NOT NULL DEFAULT '',
    protected           INTEGER NOT NULL DEFAULT 0 CHECK (protected IN (0, 1)),
    safe_postal_code    TEXT NOT NULL DEFAULT '',
    safe_address        TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX person_kana ON person(kana_norm);
CREATE INDEX person_birth ON person(birth_date);
CREATE INDEX person_facility ON person(facility_id);

CREATE TABLE touchpoint (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES person(id),
    desk        TEXT NOT NULL REFERENCES desk(code),
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    date        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    wish        TEXT NOT NULL DEFAULT 'unknown',
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX touchpoint_person ON touchpoint(person_id, date);
CREATE INDEX touchpoint_date ON touchpoint(date);

CREATE TABLE touchpoint_leaflet (
    touchpoint_id   INTEGER NOT NULL REFERENCES touchpoint(id) ON DELETE CASCADE,
    leaflet         TEXT NOT NULL CHECK (leaflet IN ('bessou1', 'bessou2', 'bessou3')),
    edition         TEXT NOT NULL,
    PRIMARY KEY (touchpoint_id, leaflet)
) STRICT;

CREATE TABLE referral (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES person(id),
    from_desk           TEXT NOT NULL REFERENCES desk(code),
    to_desk             TEXT NOT NULL REFERENCES desk(code),
    reason              TEXT NOT NULL,
    proposed_applicant  TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('sent', 'accepted', 'returned', 'completed')),
    sent_by             INTEGER NOT NULL REFERENCES staff(id),
    sent_on             TEXT NOT NULL,
    handled_by          INTEGER REFERENCES staff(id),
    handled_on          TEXT,
    return_reason       TEXT NOT NULL DEFAULT '',
    completed_on        TEXT
) STRICT;
CREATE INDEX referral_queue ON referral(to_desk, status, sent_on);
CREATE INDEX referral_person ON referral(person_id);

CREATE TABLE referral_comment (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral(id),
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    at          TEXT NOT NULL,
    body        TEXT NOT NULL
) STRICT;

CREATE TABLE application (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES person(id),
    referral_id         INTEGER REFERENCES referral(id),
    scheme              TEXT NOT NULL CHECK (scheme IN ('kokuho', 'kouki')),
    received_on         TEXT NOT NULL,
    channel             TEXT NOT NULL CHECK (channel IN ('counter', 'mail', 'outreach', 'facility_batch')),
    applicant           TEXT NOT NULL CHECK (applicant IN ('self', 'householder', 'proxy')),
    authority           TEXT CHECK (authority IN ('same_household', 'relative', 'guardian', 'parent',
                                                  'facility_child', 'caregiver', 'facility_adult')),
    proxy_name          TEXT NOT NULL DEFAULT '',
    proxy_kana          TEXT NOT NULL DEFAULT '',
    proxy_address       TEXT NOT NULL DEFAULT '',
    proxy_phone         TEXT NOT NULL DEFAULT '',
    proxy_relationship  TEXT NOT NULL DEFAULT '',
    reasons             TEXT NOT NULL DEFAULT '',
    delivery            TEXT NOT NULL DEFAULT 'home' CHECK (delivery IN ('home', 'proxy', 'facility', 'counter')),
    status              TEXT NOT NULL CHECK (status IN ('received', 'reviewing', 'decided', 'issued',
                                                        'rejected', 'withdrawn', 'at_renewal')),
    override_reason     TEXT NOT NULL DEFAULT '',
    decision_note       TEXT NOT NULL DEFAULT '',
    received_by         INTEGER NOT NULL REFERENCES staff(id),
    decided_by          INTEGER REFERENCES staff(id),
    decided_on          TEXT,
    created_at          TEXT NOT NULL
) STRICT;
CREATE INDEX application_person ON application(person_id);
CREATE INDEX application_status ON application(status, received_on);

CREATE TABLE application_document (
    application_id  INTEGER NOT NULL REFERENCES application(id),
    document        TEXT NOT NULL,
    checked         INTEGER NOT NULL DEFAULT 0 CHECK (checked IN (0, 1)),
    PRIMARY KEY (application_id, document)
) STRICT;

CREATE TABLE certificate (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    application_id  INTEGER REFERENCES application(id),
    scheme          TEXT NOT NULL CHECK (scheme IN ('kokuho', 'kouki')),
    basis           TEXT NOT NULL CHECK (basis IN ('ex_officio', 'application', 'provisional')),
    issued_on       TEXT NOT NULL,
    valid_until     TEXT NOT NULL,
    delivery_address TEXT NOT NULL DEFAULT '',
    issued_by       INTEGER NOT NULL REFERENCES staff(id),
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX certificate_person ON certificate(person_id);
CREATE INDEX certificate_valid ON certificate(valid_until);

CREATE TABLE leaflet_edition (
    leaflet         TEXT NOT NULL CHECK (leaflet IN ('bessou1', 'bessou2', 'bessou3')),
    edition         TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    title           TEXT NOT NULL,
    PRIMARY KEY (leaflet, edition)
) STRICT;

CREATE TABLE audit_event (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff(id),
    login       TEXT NOT NULL,
    desk        TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('view', 'create', 'update', 'delete', 'print', 'export', 'import', 'sign_in')),
    record_kind TEXT NOT NULL,
    record_id   INTEGER,
    detail      TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_record ON audit_event(record_kind, record_id);

-- The audit log is append-only: the database itself refuses edits and deletions.
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
