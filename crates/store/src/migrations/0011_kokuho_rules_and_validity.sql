-- #12: the corrected 国保 rules and the certificate's validity basis.
--
-- Shipped rules are loaded into policy_rule only at `init`, when the table is empty, so a
-- database created earlier gets the added and corrected rules here. Each rule statement acts
-- only on a database that already holds rules (a new database is still empty at this point and
-- is seeded from assets/policy/rules.json at `init`) and leaves alone what an administrator has
-- changed. The store's tests check that the rows written here equal the shipped rules.

-- A new route, 加入制度の確認が必要 (a 国保 member aged 75 or over belongs to 後期): the table is
-- copied into one whose CHECK accepts it (policy_rule holds a few dozen rows).
CREATE TABLE policy_rule_new (
    id              TEXT PRIMARY KEY,
    priority        INTEGER NOT NULL,
    scheme          TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    effective_until TEXT,
    condition       TEXT NOT NULL DEFAULT '{}',
    route           TEXT NOT NULL CHECK (route IN ('ex_officio', 'on_application', 'kouki_provisional',
                                                   'other_insurer', 'not_needed', 'check_registration',
                                                   'check_scheme', 'not_applicable')),
    r_numbers       TEXT NOT NULL,
    explanation     TEXT NOT NULL,
    to_confirm      INTEGER NOT NULL DEFAULT 0 CHECK (to_confirm IN (0, 1)),
    source          TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO policy_rule_new (id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation, to_confirm, source)
SELECT id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation, to_confirm, source FROM policy_rule;
DROP TABLE policy_rule;
ALTER TABLE policy_rule_new RENAME TO policy_rule;

-- A 国保 member aged 75 or over is routed to check the scheme before anything else.
INSERT OR IGNORE INTO policy_rule (id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation, to_confirm, source)
SELECT 'kokuho-aged-75', 5, 'kokuho', '2008-04-01', NULL, '{"min_age":75}', 'check_scheme', '',
       '75歳の誕生日から後期高齢者医療の被保険者となるため、国民健康保険の資格確認書は交付されません。加入制度 (保険種別) を確認して記録を改め、後期高齢者医療の交付経路を確認してください。',
       0, '高齢者の医療の確保に関する法律 第50条・第52条'
 WHERE EXISTS (SELECT 1 FROM policy_rule);

-- A child with a card is routed to 申請 only with a recorded reason or a facility placement
-- (notice 1(2): 個別の状況に応じて), not for being a child.
UPDATE policy_rule SET condition = '{"holds_card":true,"child":true,"circumstances_recorded":true}'
 WHERE id = 'kokuho-child-apply' AND condition = '{"holds_card":true,"child":true}';
UPDATE policy_rule SET explanation = 'マイナ保険証での資格確認が難しい事情 (配慮理由または施設入所) が記録された児童です。個別の状況に応じて申請により資格確認書が交付されます (施設入所児は親権者から委任を受けた施設職員が代理申請できます)。'
 WHERE id = 'kokuho-child-apply'
   AND explanation = 'マイナ保険証での資格確認が難しい児童です。個別の状況に応じて申請により資格確認書が交付されます (施設入所児は親権者から委任を受けた施設職員が代理申請できます)。';

-- 国保 continues a 要配慮者's certificate at renewal without a new application (MHLW guidance
-- to 国保 insurers), as 後期 does with `kouki-applied-continues`.
INSERT OR IGNORE INTO policy_rule (id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation, to_confirm, source)
SELECT 'kokuho-applied-continues', 45, 'kokuho', '2024-12-02', NULL, '{"holds_card":true,"applied":true}', 'on_application', 'R2',
       '申請済みの要配慮者です。引き続き資格確認書が必要と見込まれるため、有効期限の更新時には改めて申請しなくても資格確認書が交付されます (継続交付、要確認)。',
       1, '厚生労働省の国民健康保険の保険者向け案内 (市町村の公開案内による)'
 WHERE EXISTS (SELECT 1 FROM policy_rule);

-- Why each certificate ends when it does (the city's validity setting, the day before the 75th
-- birthday for 国保, or a date typed at issue), for the record to show. Certificates issued
-- before this migration did not keep it.
ALTER TABLE certificate ADD COLUMN valid_until_basis TEXT NOT NULL DEFAULT 'unrecorded'
    CHECK (valid_until_basis IN ('setting', 'age_75', 'entered', 'unrecorded'));
