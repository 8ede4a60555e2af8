-- The audit chain keyed with a secret kept outside the database (SQLite's 0029). Only the
-- schema owner keys it: the app role may only read this table (see apply_grants).
CREATE TABLE audit_keying (
    keyed_from BIGINT PRIMARY KEY,
    key_check  TEXT COLLATE "C" NOT NULL,
    keyed_at   TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER audit_keying_no_update BEFORE UPDATE OR DELETE ON audit_keying
    FOR EACH ROW EXECUTE FUNCTION audit_anchor_append_only();
CREATE TRIGGER audit_keying_no_truncate BEFORE TRUNCATE ON audit_keying
    FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_append_only();
