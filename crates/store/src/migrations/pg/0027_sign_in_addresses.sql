-- Sign-in that resists guessing from one place (SQLite's 0027).
CREATE TABLE sign_in_address (
    address         TEXT COLLATE "C" PRIMARY KEY,
    failures        BIGINT NOT NULL,
    first_failed_at TEXT COLLATE "C" NOT NULL,
    wait_until      TEXT COLLATE "C"
);
