-- #32: why a certificate goes to a proxy's address rather than the registered one (国保: the
-- 世帯主's). A proxy from another household gets the certificate by mail only with a reason.
ALTER TABLE application ADD COLUMN delivery_reason TEXT NOT NULL DEFAULT '';
