-- #34: staff who sign in with the city's directory (Active Directory over LDAP). An account
-- follows its directory entry (`directory_dn`), asked again at most every fifteen minutes
-- (`directory_checked_at`); `grants` holds the other desks' rights its groups give it
-- (`desk:role` pairs).
-- sqlite only
ALTER TABLE staff ADD COLUMN directory_dn TEXT;
ALTER TABLE staff ADD COLUMN directory_checked_at TEXT;
ALTER TABLE staff ADD COLUMN grants TEXT NOT NULL DEFAULT '';
-- postgres only
ALTER TABLE staff ADD COLUMN directory_dn TEXT;
ALTER TABLE staff ADD COLUMN directory_checked_at TEXT COLLATE "C";
ALTER TABLE staff ADD COLUMN grants TEXT NOT NULL DEFAULT '';
