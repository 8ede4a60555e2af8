-- The home screen at 200,000 persons: the forecast and the funnel read a few thousand
-- certificates, applications and referrals each time. These indexes carry the columns those
-- queries need, so they are answered from the index without a lookup in the table per row.

DROP INDEX certificate_valid;
CREATE INDEX certificate_valid ON certificate(valid_until, person_id);
DROP INDEX certificate_person;
CREATE INDEX certificate_person ON certificate(person_id, valid_until);
DROP INDEX application_received;
CREATE INDEX application_received ON application(received_on, referral_id, scheme);
CREATE INDEX referral_sent ON referral(sent_on, from_desk);
