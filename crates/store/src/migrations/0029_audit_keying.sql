-- The audit chain keyed with a secret kept outside the database (HMAC-SHA-256): from which
-- event on, and a check value that recognises the key without revealing it. Events before
-- `keyed_from` keep their plain SHA-256 links and are checked as before.
CREATE TABLE audit_keying (
    keyed_from INTEGER NOT NULL PRIMARY KEY,
    key_check  TEXT NOT NULL,
    keyed_at   TEXT NOT NULL
);
CREATE TRIGGER audit_keying_no_update BEFORE UPDATE ON audit_keying
BEGIN SELECT RAISE(ABORT, 'audit_keying is append-only'); END;
CREATE TRIGGER audit_keying_no_delete BEFORE DELETE ON audit_keying
BEGIN SELECT RAISE(ABORT, 'audit_keying is append-only'); END;
