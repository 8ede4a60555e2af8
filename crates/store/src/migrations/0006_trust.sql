-- Trust: the audit log becomes a hash chain (each event carries the hash of the one before, so
-- an edited or deleted entry is detected by `hairyo audit verify`), and staff sign in with a
-- password (argon2 hash) that locks after repeated failures.

DROP TRIGGER audit_event_no_update;
DROP TRIGGER audit_event_no_delete;
ALTER TABLE audit_event ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_event ADD COLUMN hash TEXT NOT NULL DEFAULT '';

ALTER TABLE staff ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN locked_until TEXT;
