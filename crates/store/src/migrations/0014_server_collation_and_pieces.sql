-- PostgreSQL's migration 0014 makes text compare by code point and moves the search pieces into
-- the application. SQLite already compares text by code point (BINARY), keeps its search index in
-- FTS5 and counts touchpoints per month with its own triggers, so nothing changes here; the
-- number is taken so that both engines stay at the same schema version.
SELECT 1;
