-- Pruning the audit log past its retention period. The oldest events go; an anchor keeps the
-- link the first kept event carries, so the chain is still checked from there on. Anchors are
-- append-only as the log is: a deleted anchor leaves the kept events unanchored, an edited
-- one no longer matches the first kept event's link.
CREATE TABLE audit_anchor (
    first_kept_id INTEGER PRIMARY KEY,
    prev_hash     TEXT NOT NULL,
    pruned        INTEGER NOT NULL,
    pruned_before TEXT NOT NULL,
    at            TEXT NOT NULL,
    staff_id      INTEGER NOT NULL REFERENCES staff(id)
);
CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE ON audit_anchor
BEGIN SELECT RAISE(ABORT, 'audit_anchor is append-only'); END;
CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor
BEGIN SELECT RAISE(ABORT, 'audit_anchor is append-only'); END;
