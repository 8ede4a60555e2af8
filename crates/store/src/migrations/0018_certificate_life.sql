-- The certificate after issue: its state (有効, 再交付により無効, 無効), whether its mail came
-- back (宛所不明) and whether its return is awaited, with every step kept as an event.
ALTER TABLE certificate ADD COLUMN status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'replaced', 'invalidated'));
ALTER TABLE certificate ADD COLUMN replaces_id INTEGER REFERENCES certificate(id);
ALTER TABLE certificate ADD COLUMN ended_on TEXT;
ALTER TABLE certificate ADD COLUMN undelivered INTEGER NOT NULL DEFAULT 0 CHECK (undelivered IN (0, 1));
ALTER TABLE certificate ADD COLUMN return_due INTEGER NOT NULL DEFAULT 0 CHECK (return_due IN (0, 1));

CREATE TABLE certificate_event (
    id              INTEGER PRIMARY KEY,
    certificate_id  INTEGER NOT NULL REFERENCES certificate(id),
    kind            TEXT NOT NULL CHECK (kind IN ('reissued', 'invalidated', 'returned', 'mail_returned', 'delivery_changed', 'handed_over')),
    on_date         TEXT NOT NULL,
    cause           TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    staff_id        INTEGER NOT NULL REFERENCES staff(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX certificate_event_certificate ON certificate_event(certificate_id, id);
CREATE INDEX certificate_return_due ON certificate(return_due, ended_on);
