-- A sender may withdraw (取下げ) a referral nobody has acted on, with a reason. The status
-- constraint is widened in place by the migration's hook (`widen_referral_status`), as 0013
-- widened the application's; these columns keep when and why.
ALTER TABLE referral ADD COLUMN withdrawn_on TEXT;
ALTER TABLE referral ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
