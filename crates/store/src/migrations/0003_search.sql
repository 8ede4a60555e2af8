-- Name search: a trigram index over the normalised name and kana for queries of three
-- characters and more, and a one-token-per-character index for shorter ones (佐藤, 林), whose
-- phrase queries find any substring. Both are external-content FTS5 tables kept in step with
-- `person` by triggers.

ALTER TABLE person ADD COLUMN name_chars TEXT NOT NULL DEFAULT '';
ALTER TABLE person ADD COLUMN kana_chars TEXT NOT NULL DEFAULT '';
CREATE INDEX person_name_norm ON person(name_norm);
