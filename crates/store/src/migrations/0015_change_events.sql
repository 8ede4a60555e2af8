-- PostgreSQL's migration 0015 announces changes to referrals and applications with NOTIFY, for
-- `hairyo serve` to pass on to the desks. A SQLite file has one process writing at a time and
-- no other process to tell; the server on a file announces its own writes. Nothing changes
-- here; the number is taken so that both engines stay at the same schema version.
SELECT 1;
