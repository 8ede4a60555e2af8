-- 住所地特例: the insurer of a resident insured by another municipality or another
-- prefecture's 広域連合 (SQLite's 0012).

ALTER TABLE person ADD COLUMN other_insurer TEXT NOT NULL DEFAULT '';
