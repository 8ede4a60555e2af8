-- #12: the corrected 国保 rules and the certificate's validity basis (SQLite's 0011, which says
-- why each statement acts only where rules exist and leaves an administrator's edits alone).

ALTER TABLE policy_rule DROP CONSTRAINT policy_rule_route_check;
ALTER TABLE policy_rule ADD CONSTRAINT policy_rule_route_check
    CHECK (route IN ('ex_officio', 'on_application', 'kouki_provisional', 'other_insurer', 'not_needed',
                     'check_registration', 'check_scheme', 'not_applicable'));

INSERT INTO policy_rule (id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation, to_confirm, source)
SELECT 'kokuho-aged-75', 5, 'kokuho', '2008-04-01', NULL, '{"min_age":75}', 'check_scheme', '',
       '75歳の誕生日から後期高齢者医療の被保険者となるため、国民健康保険の資格確認書は交付されません。加入制度 (保険種別) を確認して記録を改め、後期高齢者医療の交付経路を確認してください。',
       0, '高齢者の医療の確保に関する法律 第50条・第52条'
 WHERE EXISTS (SELECT 1 FROM policy_rule)
ON CONFLICT DO NOTHING;

UPDATE policy_rule SET condition = '{"holds_card":true,"child":true,"circumstances_recorded":true}'
 WHERE id = 'kokuho-child-apply' AND condition = '{"holds_card":true,"child":true}';
UPDATE policy_rule SET explanation = 'マイナ保険証での資格確認が難しい事情 (配慮理由または施設入所) が記録された児童です。個別の状況に応じて申請により資格確認書が交付されます (施設入所児は親権者から委任を受けた施設職員が代理申請できます)。'
 WHERE id = 'kokuho-child-apply'
   AND explanation = 'マイナ保険証での資格確認が難しい児童です。個別の状況に応じて申請により資格確認書が交付されます (施設入所児は親権者から委任を受けた施設職員が代理申請できます)。';

INSERT INTO policy_rule (id, priority, scheme, effective_from, effective_until, condition, route, r_numbers, explanation, to_confirm, source)
SELECT 'kokuho-applied-continues', 45, 'kokuho', '2024-12-02', NULL, '{"holds_card":true,"applied":true}', 'on_application', 'R2',
       '申請済みの要配慮者です。引き続き資格確認書が必要と見込まれるため、有効期限の更新時には改めて申請しなくても資格確認書が交付されます (継続交付、要確認)。',
       1, '厚生労働省の国民健康保険の保険者向け案内 (市町村の公開案内による)'
 WHERE EXISTS (SELECT 1 FROM policy_rule)
ON CONFLICT DO NOTHING;

ALTER TABLE certificate ADD COLUMN valid_until_basis TEXT NOT NULL DEFAULT 'unrecorded'
    CHECK (valid_until_basis IN ('setting', 'age_75', 'entered', 'unrecorded'));
