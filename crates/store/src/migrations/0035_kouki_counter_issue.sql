-- #32: a 後期 application received while the 広域連合 lets the city issue at its counter
-- follows the city's own steps (審査, 交付決定, 交付); the setting in force at receipt stays
-- with the application, so changing it later does not move applications already received.
-- sqlite only
ALTER TABLE application ADD COLUMN city_issues INTEGER NOT NULL DEFAULT 0 CHECK (city_issues IN (0, 1));
-- postgres only
ALTER TABLE application ADD COLUMN city_issues BIGINT NOT NULL DEFAULT 0 CHECK (city_issues IN (0, 1));
