-- Import speed at 200,000 rows. The search indexes no longer keep per-row column sizes
-- (Hairyo ranks hits itself and never uses bm25), which halves the work of indexing a
-- person; the indexes over facility and old-card expiry leave out the rows without one (an
-- import adds only such rows, so it need not rebuild them). The Rust hook then recomputes the
-- search keys of rows stored before keys became idempotent and fills both indexes.

DROP TRIGGER person_search_delete;
DROP TRIGGER person_search_update;
DROP TABLE person_tri;
DROP TABLE person_uni;

CREATE VIRTUAL TABLE person_tri USING fts5(
    name_norm, kana_norm, content='person', content_rowid='id', tokenize='trigram', columnsize=0
);
CREATE VIRTUAL TABLE person_uni USING fts5(
    name_chars, kana_chars, content='person', content_rowid='id', tokenize='unicode61 remove_diacritics 0',
    columnsize=0
);

CREATE TRIGGER person_search_delete AFTER DELETE ON person BEGIN
    INSERT INTO person_tri(person_tri, rowid, name_norm, kana_norm) VALUES ('delete', old.id, old.name_norm, old.kana_norm);
    INSERT INTO person_uni(person_uni, rowid, name_chars, kana_chars) VALUES ('delete', old.id, old.name_chars, old.kana_chars);
END;
CREATE TRIGGER person_search_update AFTER UPDATE OF name_norm, kana_norm, name_chars, kana_chars ON person BEGIN
    INSERT INTO person_tri(person_tri, rowid, name_norm, kana_norm) VALUES ('delete', old.id, old.name_norm, old.kana_norm);
    INSERT INTO person_uni(person_uni, rowid, name_chars, kana_chars) VALUES ('delete', old.id, old.name_chars, old.kana_chars);
    INSERT INTO person_tri(rowid, name_norm, kana_norm) VALUES (new.id, new.name_norm, new.kana_norm);
    INSERT INTO person_uni(rowid, name_chars, kana_chars) VALUES (new.id, new.name_chars, new.kana_chars);
END;

DROP INDEX person_facility;
CREATE INDEX person_facility ON person(facility_id) WHERE facility_id IS NOT NULL;
DROP INDEX person_old_card_expiry;
CREATE INDEX person_old_card_expiry ON person(old_card_expiry) WHERE old_card_expiry IS NOT NULL;
