-- #12 items 3 and 7 (SQLite's 0013): who signs the 委任状, and the 後期 path through the
-- 広域連合 (進達, the union's result, hand-over), with the certificate's issuer.

ALTER TABLE application ADD COLUMN delegator TEXT CHECK (delegator = 'self' OR delegator = 'householder');
ALTER TABLE application ADD COLUMN forwarded_on TEXT;
ALTER TABLE application ADD COLUMN forwarded_by BIGINT REFERENCES staff(id);
ALTER TABLE application ADD COLUMN union_decided_on TEXT;
ALTER TABLE application ADD COLUMN handed_over_on TEXT;
ALTER TABLE application ADD COLUMN handover_method TEXT CHECK (handover_method = 'counter' OR handover_method = 'mail');
CREATE INDEX application_forwarded ON application(forwarded_on) WHERE forwarded_on IS NOT NULL;

ALTER TABLE certificate ADD COLUMN issuer TEXT NOT NULL DEFAULT 'city' CHECK (issuer = 'city' OR issuer = 'union');
UPDATE certificate SET issuer = 'union' WHERE scheme = 'kouki';

ALTER TABLE application DROP CONSTRAINT application_status_check;
ALTER TABLE application ADD CONSTRAINT application_status_check
    CHECK (status IN ('received', 'reviewing', 'decided', 'issued', 'rejected', 'withdrawn', 'at_renewal', 'forwarded',
                      'union_issued', 'union_rejected', 'handed_over'));

-- The 後期 applications the city had marked 交付決定 are 進達済 from the day of that decision.
UPDATE application SET status = 'forwarded', forwarded_on = decided_on, forwarded_by = decided_by,
       decided_on = NULL, decided_by = NULL
 WHERE scheme = 'kouki' AND status = 'decided';
