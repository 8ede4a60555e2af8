-- Text compares by code point, as on SQLite, whatever collation the database was created with:
-- prefix ranges over the search keys and every ORDER BY then give the same rows on both
-- engines, and a btree over text costs no locale lookups.
--
-- The search pieces are written by the application (normalize::pieces) instead of being
-- computed by a SQL function for each row; the function cost 38 µs a row, 8 s of a 200,000-row
-- import.
--
-- Touchpoints are counted per month once per statement, from its transition tables, instead
-- of once per row: a multi-row insert of a thousand touchpoints updates each month's counter
-- once.

ALTER TABLE person DROP COLUMN search_grams;
-- A trigger naming columns keeps them from changing type; it is replaced below.
DROP TRIGGER touchpoint_month_insert ON touchpoint;
DROP TRIGGER touchpoint_month_delete ON touchpoint;
DROP TRIGGER touchpoint_month_update ON touchpoint;
DROP FUNCTION touchpoint_month_count();

DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT a.attrelid::regclass AS tbl, a.attname AS col
          FROM pg_attribute a
          JOIN pg_class t ON t.oid = a.attrelid
         WHERE t.relnamespace = current_schema()::regnamespace AND t.relkind = 'r'
           AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'text'::regtype
           AND a.attcollation <> 'pg_catalog."C"'::regcollation
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE TEXT COLLATE "C"', c.tbl, c.col);
    END LOOP;
END
$$;

-- SQLite's indexes end in the rowid, so a prefix range ordered by key then id stops after a
-- page; PostgreSQL's need the id spelled out, or every person with a common surname is sorted.
DROP INDEX person_name_norm;
DROP INDEX person_kana;
CREATE INDEX person_name_norm ON person(name_norm, id);
CREATE INDEX person_kana ON person(kana_norm, id);

ALTER TABLE person ADD COLUMN search_grams TEXT[] COLLATE "C" NOT NULL DEFAULT '{}';
UPDATE person SET search_grams = hairyo_grams(name_norm, kana_norm);
CREATE INDEX person_search_grams ON person USING gin (search_grams);
DROP FUNCTION hairyo_grams(TEXT, TEXT);


CREATE FUNCTION touchpoint_month_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO touchpoint_month (month, desk, count)
        SELECT substr(date, 1, 7), desk, count(*) FROM new_rows GROUP BY 1, 2
        ON CONFLICT (month, desk) DO UPDATE SET count = touchpoint_month.count + excluded.count;
    RETURN NULL;
END
$$;

CREATE FUNCTION touchpoint_month_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE touchpoint_month m SET count = m.count - gone.n
      FROM (SELECT substr(date, 1, 7) AS month, desk, count(*) AS n FROM old_rows GROUP BY 1, 2) gone
     WHERE m.month = gone.month AND m.desk = gone.desk;
    RETURN NULL;
END
$$;

CREATE FUNCTION touchpoint_month_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE touchpoint_month m SET count = m.count - gone.n
      FROM (SELECT substr(date, 1, 7) AS month, desk, count(*) AS n FROM old_rows GROUP BY 1, 2) gone
     WHERE m.month = gone.month AND m.desk = gone.desk;
    INSERT INTO touchpoint_month (month, desk, count)
        SELECT substr(date, 1, 7), desk, count(*) FROM new_rows GROUP BY 1, 2
        ON CONFLICT (month, desk) DO UPDATE SET count = touchpoint_month.count + excluded.count;
    RETURN NULL;
END
$$;

CREATE TRIGGER touchpoint_month_insert AFTER INSERT ON touchpoint
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION touchpoint_month_added();
CREATE TRIGGER touchpoint_month_delete AFTER DELETE ON touchpoint
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION touchpoint_month_removed();
CREATE TRIGGER touchpoint_month_update AFTER UPDATE ON touchpoint
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION touchpoint_month_moved();

-- The roles the desks' processes connect as (`hairyo grant ROLE`), so that every later
-- migration gives them the same least privileges on the tables it adds.
CREATE TABLE hairyo_app_role (role TEXT COLLATE "C" PRIMARY KEY);

-- The home screen's counts read indexes, not rows. SQLite's covering indexes (its 0010) end in
-- the rowid and its count(*) walks a btree; PostgreSQL needs the columns spelled out and keeps
-- no row count, so a count of persons is kept per statement.
DROP INDEX person_facility;
CREATE INDEX person_facility ON person(facility_id) INCLUDE (mynumber_card, registration, reasons, scheme)
    WHERE facility_id IS NOT NULL;
-- The forecast's candidates: 要配慮者 holding a マイナ保険証 on the application route.
CREATE INDEX person_candidate ON person(id) INCLUDE (name, facility_id)
    WHERE mynumber_card <> 'none' AND registration = 'registered' AND reasons <> '' AND scheme IN ('kokuho', 'kouki');
DROP INDEX certificate_application;
CREATE INDEX certificate_application ON certificate(application_id) INCLUDE (issued_on, scheme)
    WHERE application_id IS NOT NULL;

CREATE TABLE hairyo_row_count (tbl TEXT COLLATE "C" PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO hairyo_row_count (tbl, n) SELECT 'person', count(*) FROM person;

CREATE FUNCTION person_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hairyo_row_count SET n = n + (SELECT count(*) FROM new_rows) WHERE tbl = 'person';
    RETURN NULL;
END
$$;

CREATE FUNCTION person_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hairyo_row_count SET n = n - (SELECT count(*) FROM old_rows) WHERE tbl = 'person';
    RETURN NULL;
END
$$;

CREATE TRIGGER person_count_insert AFTER INSERT ON person
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_count_added();
CREATE TRIGGER person_count_delete AFTER DELETE ON person
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_count_removed();
