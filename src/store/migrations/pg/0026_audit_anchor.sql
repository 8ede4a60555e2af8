-- Pruning the audit log past its retention period (SQLite's 0026). Only the schema owner may
-- prune: the app role may neither delete events nor write anchors (see apply_grants).
CREATE TABLE audit_anchor (
    first_kept_id BIGINT PRIMARY KEY,
    prev_hash     TEXT COLLATE "C" NOT NULL,
    pruned        BIGINT NOT NULL,
    pruned_before TEXT COLLATE "C" NOT NULL,
    at            TEXT COLLATE "C" NOT NULL,
    staff_id      BIGINT NOT NULL REFERENCES staff(id)
);
CREATE FUNCTION audit_anchor_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_anchor is append-only';
END
$$;
CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE OR DELETE ON audit_anchor
    FOR EACH ROW EXECUTE FUNCTION audit_anchor_append_only();
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor
    FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_append_only();
