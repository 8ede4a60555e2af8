-- #32: the consent (or the legal basis) on which a welfare desk shares a person's details with
-- the insurer desk, recorded with each referral and printed on the 連携票. Referrals sent
-- before keep NULL, which reads 「記録なし」.
ALTER TABLE referral ADD COLUMN sharing_basis TEXT
    CHECK (sharing_basis IS NULL OR sharing_basis IN ('consent', 'representative_consent', 'internal_use'));
ALTER TABLE referral ADD COLUMN sharing_note TEXT NOT NULL DEFAULT '';
