-- Sign-in that resists guessing from one place: the failed sign-ins counted per client address
-- (over every account) within a window, and until when that address must wait.
CREATE TABLE sign_in_address (
    address         TEXT NOT NULL PRIMARY KEY,
    failures        INTEGER NOT NULL,
    first_failed_at TEXT NOT NULL,
    wait_until      TEXT
);
