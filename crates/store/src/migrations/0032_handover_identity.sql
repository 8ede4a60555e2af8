-- #32: at the counter, the identity document the person taking a 後期 certificate showed (one
-- with a photo, or two without); a certificate handed over without one goes by mail instead.
ALTER TABLE application ADD COLUMN handover_identity TEXT
    CHECK (handover_identity IS NULL OR handover_identity IN ('one_photo', 'two_other'));
