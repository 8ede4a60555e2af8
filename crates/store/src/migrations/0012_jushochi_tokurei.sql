-- 住所地特例: a facility resident may be insured by the municipality they lived in before (国保)
-- or by another prefecture's 後期高齢者医療広域連合. The insurer's name is kept on the person so
-- that a facility campaign refers such residents there instead of printing the city's form.
-- Empty means the city's own insurer (or its own 広域連合), as for every row stored before.

ALTER TABLE person ADD COLUMN other_insurer TEXT NOT NULL DEFAULT '';
