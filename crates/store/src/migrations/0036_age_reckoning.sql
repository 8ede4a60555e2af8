-- #32: each rule with an age names how it counts it. 後期高齢者医療 membership begins on the
-- 75th birthday itself; the 85-and-over rule counts by 年齢計算ニ関スル法律 (an age is reached at
-- the end of the day before the birthday). Rules a city wrote itself are left as they are.
UPDATE policy_rule SET condition = '{"min_age":75,"age_by":"birthday"}'
 WHERE id = 'kokuho-aged-75' AND condition = '{"min_age":75}';
UPDATE policy_rule SET condition = '{"min_age_on_renewal":85,"age_by":"statute"}'
 WHERE id = 'kouki-85-and-over' AND condition = '{"min_age_on_renewal":85}';
