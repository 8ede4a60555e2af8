-- #32: the 児童相談所長 as a proxy (児童福祉法 第47条第2項: a child placed with a 里親 or in a
-- ファミリーホーム). The application's authority constraint takes the new kind; SQLite's is
-- widened in place by the Rust hook, as 0021 did, so no table is rebuilt.
-- postgres only
ALTER TABLE application DROP CONSTRAINT application_authority_check;
ALTER TABLE application ADD CONSTRAINT application_authority_check
    CHECK (authority IN ('same_household', 'relative', 'guardian', 'parent', 'facility_child', 'caregiver', 'facility_adult',
                         'facility_head', 'minor_guardian', 'curator', 'voluntary_guardian', 'child_guidance_chief'));
