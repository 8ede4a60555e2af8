-- #16: reasons and card states as practice has them, the further proxy kinds, 代筆 and the
-- 任意記載事項 (併記). The Rust hook widens the person's card, registration and legal
-- representative constraints, the application's authority and the facility's kind in place,
-- as 0013 and 0017 did: every stored value stays allowed.

-- How the person's own part of the paper was signed, and who wrote it for them (代筆).
ALTER TABLE application ADD COLUMN signing TEXT NOT NULL DEFAULT 'signed'
    CHECK (signing = 'signed' OR signing = 'ghostwritten' OR signing = 'no_delegation');
ALTER TABLE application ADD COLUMN writer_name TEXT NOT NULL DEFAULT '';
-- 任意記載事項 asked for on the application and printed on the certificate: codes joined by
-- commas, as the reasons are.
ALTER TABLE application ADD COLUMN optional_entries TEXT NOT NULL DEFAULT '';
ALTER TABLE certificate ADD COLUMN optional_entries TEXT NOT NULL DEFAULT '';

-- A person whose every recorded reason passes (a lost card, a lapsed 電子証明書) applies again
-- at renewal; only continuing reasons keep the certificate coming without one. Like 0011, these
-- act only on a database that already holds rules; a new one is seeded at `init`.
INSERT OR IGNORE INTO policy_rule (id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation, to_confirm, source)
SELECT 'kokuho-applied-passing', 44, 'kokuho', '2024-12-02', NULL, '{"holds_card":true,"considered":true,"continuing_reason":false,"applied":true}', 'on_application', 'R2',
       '申請済みですが、記録された配慮理由はいずれも一時的なもの (カードの紛失・破損、電子証明書の失効など) です。事情が解消していなければ、有効期限の更新時に改めて申請していただきます (継続交付は継続的な事情に限る、要確認)。',
       1, '厚生労働省の国民健康保険の保険者向け案内 (市町村の公開案内による)'
 WHERE EXISTS (SELECT 1 FROM policy_rule);
INSERT OR IGNORE INTO policy_rule (id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation, to_confirm, source)
SELECT 'kouki-applied-passing', 49, 'kouki', '2026-08-01', NULL, '{"holds_card":true,"considered":true,"continuing_reason":false,"applied":true}', 'on_application', 'R2,R9',
       '申請済みですが、記録された配慮理由はいずれも一時的なもの (カードの紛失・破損、電子証明書の失効など) です。事情が解消していなければ、年次更新の前に改めて申請していただきます (継続交付は継続的な事情に限る、要確認)。',
       1, '後期高齢者医療広域連合の案内 (国の方針変更)'
 WHERE EXISTS (SELECT 1 FROM policy_rule);
