-- The #12 corrections to the 国保 rules reach databases made before them. Shipped rules are
-- loaded into policy_rule only at `init`, when the table is empty, so a database created
-- earlier gets the changed rules here. Each statement acts only on a database that already
-- holds rules (a new database is still empty at this point and is seeded from
-- assets/policy/rules.json at `init`), and leaves alone what an administrator has changed.
-- The store's tests check that these rows equal the shipped rules.

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
