-- Pairs a person reviewed and found to be two different people, so they are not proposed again,
-- and an index for the home screen's touchpoint funnel.
CREATE TABLE duplicate_dismissal (
    a           INTEGER NOT NULL,
    b           INTEGER NOT NULL,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    at          TEXT NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) STRICT;

CREATE INDEX touchpoint_date_desk ON touchpoint(date, desk);
CREATE INDEX referral_status_desk ON referral(status, from_desk, sent_on);
CREATE INDEX certificate_issued ON certificate(issued_on);
CREATE INDEX application_received ON application(received_on);
CREATE INDEX person_old_card_expiry ON person(old_card_expiry);
