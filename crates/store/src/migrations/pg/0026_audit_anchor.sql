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

-- The owner prunes by setting `hairyo.pruning` for its transaction (SET LOCAL): a DELETE is
-- then let through, with no table lock beyond the DELETE's own, so desks go on appending and
-- reading meanwhile. The app role has no DELETE on the log, so the setting gives it nothing.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('hairyo.pruning', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only';
END
$$;
