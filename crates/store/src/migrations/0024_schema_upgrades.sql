-- #17: every schema change this database went through, from its creation on: the versions,
-- the release of Hairyo that made it, and the backup written before an upgrade, so that an
-- administrator can tell which release last touched the data and where its copy from before is.
CREATE TABLE schema_upgrade (
    id            INTEGER PRIMARY KEY,
    from_version  INTEGER NOT NULL CHECK (from_version >= 0),
    to_version    INTEGER NOT NULL CHECK (to_version > from_version),
    app_version   TEXT NOT NULL,
    backup_file   TEXT NOT NULL DEFAULT '',
    -- The database's clock: an upgrade happens while the store opens, before any operation
    -- (and its passed-in time) exists.
    upgraded_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
) STRICT;
