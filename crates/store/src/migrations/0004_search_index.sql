-- The search indexes over the columns of 0003, built from what is stored, then kept in step
-- by triggers.

CREATE VIRTUAL TABLE person_tri USING fts5(
    name_norm, kana_norm, content='person', content_rowid='id', tokenize='trigram'
);
CREATE VIRTUAL TABLE person_uni USING fts5(
    name_chars, kana_chars, content='person', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
);

CREATE TRIGGER person_search_insert AFTER INSERT ON person BEGIN
    INSERT INTO person_tri(rowid, name_norm, kana_norm) VALUES (new.id, new.name_norm, new.kana_norm);
    INSERT INTO person_uni(rowid, name_chars, kana_chars) VALUES (new.id, new.name_chars, new.kana_chars);
END;
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

INSERT INTO person_tri(person_tri) VALUES ('rebuild');
INSERT INTO person_uni(person_uni) VALUES ('rebuild');
