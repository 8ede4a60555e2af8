-- #12 item 3: who signs the 委任状 of a proxy from outside the household, the person or (国保)
-- the 世帯主. NULL when the proxy needs no such 委任状.
ALTER TABLE application ADD COLUMN delegator TEXT CHECK (delegator = 'self' OR delegator = 'householder');
