-- #12 item 3: who signs the 委任状 of a proxy from outside the household, the person or (国保)
-- the 世帯主. NULL when the proxy needs no such 委任状.
ALTER TABLE application ADD COLUMN delegator TEXT CHECK (delegator = 'self' OR delegator = 'householder');

-- #12 item 7: a 後期 application is decided and issued by the 広域連合. The city forwards it
-- (進達), records the union's result and hands over or mails what the union issued. The Rust
-- hook then widens the status CHECK to the new states and moves the 後期 applications the city
-- had marked 交付決定 to 進達済 (the union's result is recorded for them like for any other).
ALTER TABLE application ADD COLUMN forwarded_on TEXT;
ALTER TABLE application ADD COLUMN forwarded_by INTEGER REFERENCES staff(id);
ALTER TABLE application ADD COLUMN union_decided_on TEXT;
ALTER TABLE application ADD COLUMN handed_over_on TEXT;
ALTER TABLE application ADD COLUMN handover_method TEXT CHECK (handover_method = 'counter' OR handover_method = 'mail');
-- The 進達簿 lists the applications forwarded on a day.
CREATE INDEX application_forwarded ON application(forwarded_on) WHERE forwarded_on IS NOT NULL;

-- Who issued each certificate: the city (国保) or the 広域連合 (every 後期 certificate).
ALTER TABLE certificate ADD COLUMN issuer TEXT NOT NULL DEFAULT 'city' CHECK (issuer = 'city' OR issuer = 'union');
UPDATE certificate SET issuer = 'union' WHERE scheme = 'kouki';
