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
