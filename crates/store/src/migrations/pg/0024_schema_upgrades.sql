-- #17: every schema change this database went through (see the SQLite migration 0024).
CREATE TABLE schema_upgrade (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_version  BIGINT NOT NULL CHECK (from_version >= 0),
    to_version    BIGINT NOT NULL CHECK (to_version > from_version),
    app_version   TEXT COLLATE "C" NOT NULL,
    backup_file   TEXT COLLATE "C" NOT NULL DEFAULT '',
    upgraded_at   TEXT COLLATE "C" NOT NULL DEFAULT to_char(localtimestamp(0), 'YYYY-MM-DD"T"HH24:MI:SS')
);
