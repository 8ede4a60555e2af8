-- PostgreSQL's migration 0016 keeps a change counter per table, so that `hairyo serve` can keep
-- the home screen's results between requests and recompute only what a commit changed. A
-- SQLite file serves one PC, whose home screen is computed on each call; nothing changes here.
-- The number is taken so that both engines stay at the same schema version.
SELECT 1;
