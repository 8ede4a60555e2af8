-- #35: municipalities as tenants of one database. Every table holding a municipality's data
-- carries `municipality_id`; on PostgreSQL row-level security keeps each municipality's rows
-- to the connections that act for it (`hairyo.municipality`, set by the store from the
-- signed-in staff member), the foreign keys include the municipality so that no row can point
-- at another's, and the keys a municipality chooses (desk codes, 宛名番号, setting names, the
-- audit chain's ids) are unique within it. A SQLite file is one municipality: it keeps the
-- list (for `hairyo tenant list`) and the staff's column, and nothing else changes.
-- sqlite only
CREATE TABLE municipality (
    id         INTEGER PRIMARY KEY,
    code       TEXT UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO municipality (id, code, name, created_at)
    VALUES (1, NULL, coalesce((SELECT value FROM setting WHERE key = 'city_name'), ''), '');
ALTER TABLE staff ADD COLUMN municipality_id INTEGER NOT NULL DEFAULT 1;
-- postgres only
CREATE TABLE municipality (
    id         BIGINT PRIMARY KEY,
    -- The 全国地方公共団体コード (six digits with its check digit); NULL for a database that
    -- was one city before and never said.
    code       TEXT COLLATE "C" UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
INSERT INTO municipality (id, code, name, created_at)
    VALUES (1, NULL, coalesce((SELECT value FROM setting WHERE key = 'city_name'), ''), '');

DO $$
DECLARE
    -- Deployment-wide bookkeeping: not a municipality's data.
    shared CONSTANT TEXT[] := ARRAY['municipality', 'hairyo_schema', 'hairyo_app_role', 'schema_upgrade', 'sign_in_address'];
    this_one CONSTANT TEXT := 'municipality_id = nullif(current_setting(''hairyo.municipality'', true), '''')::bigint';
    t TEXT;
    fk RECORD;
    key RECORD;
    ix RECORD;
BEGIN
    -- The foreign keys as they are, to make again with the municipality once every table has it.
    CREATE TEMP TABLE hairyo_fk ON COMMIT DROP AS
        SELECT c.conname, src.relname AS tbl, dst.relname AS target, c.confdeltype,
               (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols,
               (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS target_cols
          FROM pg_constraint c
          JOIN pg_class src ON src.oid = c.conrelid
          JOIN pg_class dst ON dst.oid = c.confrelid
         WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace;
    FOR fk IN SELECT * FROM hairyo_fk LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', fk.tbl, fk.conname);
    END LOOP;

    FOR t IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> ALL (shared)
              ORDER BY 1 LOOP
        -- The rows already here are the first municipality's; a row added later belongs to the
        -- municipality its connection acts for (none set: the insert fails).
        EXECUTE format('ALTER TABLE %I ADD COLUMN municipality_id BIGINT NOT NULL DEFAULT 1 REFERENCES municipality (id)', t);
        EXECUTE format('ALTER TABLE %I ALTER COLUMN municipality_id SET DEFAULT current_setting(''hairyo.municipality'')::bigint', t);
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY municipality ON %I USING (%s) WITH CHECK (%s)', t, this_one, this_one);
    END LOOP;

    -- Every other index leads with the municipality: row security adds `municipality_id = …`
    -- to every statement of the desks, and an index that begins with it reads one town's
    -- entries, not sixty towns' (measured at prefecture scale: the home screen read every
    -- town's referrals and applications through the status indexes).
    FOR ix IN SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
               FROM pg_index i
               JOIN pg_class t ON t.oid = i.indrelid
               JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_am a ON a.oid = c.relam
              WHERE t.relnamespace = current_schema()::regnamespace AND NOT i.indisunique AND a.amname = 'btree'
                AND t.relname <> ALL (shared)
              ORDER BY 1 LOOP
        EXECUTE format('DROP INDEX %I', ix.name);
        EXECUTE regexp_replace(ix.def, 'USING btree \(', 'USING btree (municipality_id, ');
    END LOOP;

    -- Every key is a municipality's: its primary and unique keys begin with it, so that a
    -- municipality moved in from a database of its own keeps its rows' ids (and its audit
    -- chain, whose links name them), and the keys a municipality chooses (desk codes,
    -- 宛名番号, setting names, rule ids) are unique within it. A login and a session token stay
    -- unique across the deployment: they are how a request finds its municipality. Where the
    -- key was an id alone, a plain index on the id keeps a look-up by id without the
    -- municipality (the owner's tools) from reading the whole table.
    FOR key IN SELECT c.conname, t.relname AS tbl, c.contype,
                    (SELECT array_agg(a.attname::text ORDER BY n.n) FROM unnest(c.conkey) WITH ORDINALITY n(attnum, n)
                       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = n.attnum) AS cols
               FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
              WHERE c.contype IN ('p', 'u') AND c.connamespace = current_schema()::regnamespace
                AND t.relname <> ALL (shared) AND c.conname NOT IN ('staff_login_key', 'session_pkey')
              ORDER BY 2, 1 LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', key.tbl, key.conname);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s (municipality_id, %s)', key.tbl, key.conname,
                       CASE key.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END,
                       (SELECT string_agg(quote_ident(x), ', ') FROM unnest(key.cols) x));
        IF key.cols = ARRAY['id'] THEN
            EXECUTE format('CREATE INDEX %I ON %I (id)', key.tbl || '_id', key.tbl);
        END IF;
    END LOOP;

    -- Every foreign key again, through the municipality: a row can point only at a row of its
    -- own municipality, whatever a statement asks.
    FOR fk IN SELECT * FROM hairyo_fk LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_index i
             WHERE i.indrelid = fk.target::regclass AND i.indisunique
               AND (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) = ARRAY['municipality_id'] || fk.target_cols
        ) THEN
            EXECUTE format('ALTER TABLE %I ADD UNIQUE (municipality_id, %s)', fk.target,
                           (SELECT string_agg(quote_ident(x), ', ') FROM unnest(fk.target_cols) x));
        END IF;
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (municipality_id, %s) REFERENCES %I (municipality_id, %s)%s',
                       fk.tbl, fk.conname,
                       (SELECT string_agg(quote_ident(x), ', ') FROM unnest(fk.cols) x),
                       fk.target,
                       (SELECT string_agg(quote_ident(x), ', ') FROM unnest(fk.target_cols) x),
                       CASE fk.confdeltype WHEN 'c' THEN ' ON DELETE CASCADE' ELSE '' END);
    END LOOP;
END $$;

-- The counters kept by triggers count per municipality.
CREATE OR REPLACE FUNCTION touchpoint_month_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO touchpoint_month (municipality_id, month, desk, count)
        SELECT municipality_id, substr(date, 1, 7), desk, count(*) FROM new_rows GROUP BY 1, 2, 3
        ON CONFLICT (municipality_id, month, desk) DO UPDATE SET count = touchpoint_month.count + excluded.count;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION touchpoint_month_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE touchpoint_month m SET count = m.count - gone.n
      FROM (SELECT municipality_id, substr(date, 1, 7) AS month, desk, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) gone
     WHERE m.municipality_id = gone.municipality_id AND m.month = gone.month AND m.desk = gone.desk;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION touchpoint_month_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE touchpoint_month m SET count = m.count - gone.n
      FROM (SELECT municipality_id, substr(date, 1, 7) AS month, desk, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) gone
     WHERE m.municipality_id = gone.municipality_id AND m.month = gone.month AND m.desk = gone.desk;
    INSERT INTO touchpoint_month (municipality_id, month, desk, count)
        SELECT municipality_id, substr(date, 1, 7), desk, count(*) FROM new_rows GROUP BY 1, 2, 3
        ON CONFLICT (municipality_id, month, desk) DO UPDATE SET count = touchpoint_month.count + excluded.count;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION person_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hairyo_row_count c SET n = c.n + added.n
      FROM (SELECT municipality_id, count(*) AS n FROM new_rows GROUP BY 1) added
     WHERE c.tbl = 'person' AND c.municipality_id = added.municipality_id;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION person_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hairyo_row_count c SET n = c.n - gone.n
      FROM (SELECT municipality_id, count(*) AS n FROM old_rows GROUP BY 1) gone
     WHERE c.tbl = 'person' AND c.municipality_id = gone.municipality_id;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION referral_month_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO referral_month (municipality_id, month, desk, count)
        SELECT municipality_id, substr(sent_on, 1, 7), from_desk, count(*) FROM new_rows GROUP BY 1, 2, 3
        ON CONFLICT (municipality_id, month, desk) DO UPDATE SET count = referral_month.count + excluded.count;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION referral_month_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE referral_month m SET count = m.count - gone.n
      FROM (SELECT municipality_id, substr(sent_on, 1, 7) AS month, from_desk AS desk, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) gone
     WHERE m.municipality_id = gone.municipality_id AND m.month = gone.month AND m.desk = gone.desk;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION referral_month_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE referral_month m SET count = m.count - gone.n
      FROM (SELECT o.municipality_id, substr(o.sent_on, 1, 7) AS month, o.from_desk AS desk, count(*) AS n
              FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.municipality_id = o.municipality_id
             WHERE substr(o.sent_on, 1, 7) <> substr(n.sent_on, 1, 7) OR o.from_desk <> n.from_desk
             GROUP BY 1, 2, 3) gone
     WHERE m.municipality_id = gone.municipality_id AND m.month = gone.month AND m.desk = gone.desk;
    INSERT INTO referral_month (municipality_id, month, desk, count)
        SELECT n.municipality_id, substr(n.sent_on, 1, 7), n.from_desk, count(*)
          FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.municipality_id = o.municipality_id
         WHERE substr(o.sent_on, 1, 7) <> substr(n.sent_on, 1, 7) OR o.from_desk <> n.from_desk
         GROUP BY 1, 2, 3
        ON CONFLICT (municipality_id, month, desk) DO UPDATE SET count = referral_month.count + excluded.count;
    RETURN NULL;
END $$;

-- Announcements name their municipality: a server passes each only to that municipality's desks.
CREATE OR REPLACE FUNCTION hairyo_notify_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hairyo_events', json_build_object(
        'kind', 'referral', 'id', NEW.id, 'status', NEW.status, 'municipality', NEW.municipality_id,
        'desks', json_build_array(NEW.from_desk, NEW.to_desk))::text);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION hairyo_notify_referral_comment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    SELECT from_desk, to_desk INTO r FROM referral WHERE id = NEW.referral_id AND municipality_id = NEW.municipality_id;
    PERFORM pg_notify('hairyo_events', json_build_object(
        'kind', 'referral', 'id', NEW.referral_id, 'status', 'commented', 'municipality', NEW.municipality_id,
        'desks', json_build_array(r.from_desk, r.to_desk))::text);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION hairyo_notify_application() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sender TEXT;
BEGIN
    SELECT from_desk INTO sender FROM referral WHERE id = NEW.referral_id AND municipality_id = NEW.municipality_id;
    PERFORM pg_notify('hairyo_events', json_build_object(
        'kind', 'application', 'id', NEW.id, 'status', NEW.status, 'municipality', NEW.municipality_id,
        'desks', json_build_array(NEW.scheme, sender))::text);
    RETURN NULL;
END $$;

-- Before anyone has signed in, a connection acts for no municipality and sees no staff or
-- session: these two answers, and nothing else, cross the line. They run as the schema's
-- owner, on this schema only. A login or session nobody has is answered with the database's
-- only municipality while there is one (a city's own database behaves as before: a refused
-- sign-in is audited there), and with none once there are several.
CREATE FUNCTION hairyo_staff_municipality(who TEXT) RETURNS BIGINT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT coalesce((SELECT municipality_id FROM staff WHERE login = who),
                    (SELECT min(id) FROM municipality HAVING count(*) = 1))
$$;
CREATE FUNCTION hairyo_session_municipality(token TEXT) RETURNS BIGINT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT coalesce((SELECT municipality_id FROM session WHERE token_hash = token),
                    (SELECT min(id) FROM municipality HAVING count(*) = 1))
$$;
-- Whether anyone has been set up at all (a server starting), and whether a login is taken in
-- any municipality (a login names one staff member across the deployment, as a directory's
-- user principal name does).
CREATE FUNCTION hairyo_initialised() RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM staff)
$$;
CREATE FUNCTION hairyo_login_taken(who TEXT) RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT EXISTS (SELECT 1 FROM staff WHERE login = who)
$$;
-- Persons whose search pieces hold every one of `grams` (and, when `key` is not empty, whose
-- 氏名 or フリガナ holds `key`), of the municipality the connection acts for; up to `lim`.
-- Row security lets PostgreSQL use an index only for a condition whose operator cannot leak
-- (is LEAKPROOF), and array containment is not: under the policy the GIN index of the pieces
-- went unused and every search read the whole table (37 ms at 20,000 persons). Run as the
-- table's owner the index serves again, and the function keeps to the caller's municipality
-- itself; the statement around it reads the persons it names under the policy as ever.
CREATE FUNCTION hairyo_person_grams(grams TEXT[], key TEXT, lim BIGINT) RETURNS SETOF BIGINT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT id FROM person
     WHERE municipality_id = nullif(current_setting('hairyo.municipality', true), '')::bigint
       AND search_grams @> grams
       AND (key = '' OR strpos(name_norm, key) > 0 OR strpos(kana_norm, key) > 0)
     LIMIT lim
$$;

-- The checks of the keys the audit chains are keyed with (the key itself is never stored): a
-- server given the wrong key file refuses it at its start, before any municipality is entered.
CREATE FUNCTION hairyo_audit_key_checks() RETURNS SETOF TEXT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT DISTINCT key_check FROM audit_keying
$$;
REVOKE ALL ON FUNCTION hairyo_staff_municipality(TEXT), hairyo_session_municipality(TEXT), hairyo_initialised(), hairyo_login_taken(TEXT),
    hairyo_audit_key_checks(), hairyo_person_grams(TEXT[], TEXT, BIGINT) FROM PUBLIC;
