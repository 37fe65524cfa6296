-- MIGRATION: add customer name
-- DIRECTION: up
ALTER TABLE customers ADD COLUMN name TEXT;
-- DIRECTION: down
ALTER TABLE customers DROP COLUMN name;
