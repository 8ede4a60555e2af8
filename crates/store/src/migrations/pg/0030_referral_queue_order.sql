-- (SQLite's 0030.) A desk's referral queue is read in date order from two indexes, the referrals sent to the
-- desk and those sent from it, so a page costs its own rows and the count reads only the
-- indexes (before, every queue read scanned the whole table twice).
CREATE INDEX referral_to_sent ON referral(to_desk, sent_on, id);
CREATE INDEX referral_from_sent ON referral(from_desk, sent_on, id);
