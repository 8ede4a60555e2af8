-- A sender may withdraw (取下げ) a referral nobody has acted on, with a reason (SQLite's 0017).
ALTER TABLE referral DROP CONSTRAINT referral_status_check;
ALTER TABLE referral ADD CONSTRAINT referral_status_check
    CHECK (status IN ('sent', 'accepted', 'returned', 'completed', 'withdrawn'));
ALTER TABLE referral ADD COLUMN withdrawn_on TEXT COLLATE "C";
ALTER TABLE referral ADD COLUMN withdraw_reason TEXT COLLATE "C" NOT NULL DEFAULT '';
