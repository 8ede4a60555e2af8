-- The home screen at 200,000 persons: touchpoints counted per month and desk as they are
-- written (the funnel otherwise scans half a million rows), and the index that finds the
-- application made from a referral.

CREATE INDEX application_referral ON application(referral_id);

CREATE TABLE touchpoint_month (
    month   TEXT NOT NULL,
    desk    TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (month, desk)
) STRICT, WITHOUT ROWID;

INSERT INTO touchpoint_month (month, desk, count)
    SELECT substr(date, 1, 7), desk, count(*) FROM touchpoint GROUP BY 1, 2;

CREATE TRIGGER touchpoint_month_insert AFTER INSERT ON touchpoint BEGIN
    INSERT INTO touchpoint_month (month, desk, count) VALUES (substr(new.date, 1, 7), new.desk, 1)
        ON CONFLICT (month, desk) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER touchpoint_month_delete AFTER DELETE ON touchpoint BEGIN
    UPDATE touchpoint_month SET count = count - 1 WHERE month = substr(old.date, 1, 7) AND desk = old.desk;
END;
CREATE TRIGGER touchpoint_month_update AFTER UPDATE OF date, desk ON touchpoint BEGIN
    UPDATE touchpoint_month SET count = count - 1 WHERE month = substr(old.date, 1, 7) AND desk = old.desk;
    INSERT INTO touchpoint_month (month, desk, count) VALUES (substr(new.date, 1, 7), new.desk, 1)
        ON CONFLICT (month, desk) DO UPDATE SET count = count + 1;
END;

CREATE INDEX certificate_application ON certificate(application_id);
CREATE INDEX application_status_scheme ON application(status, scheme);
