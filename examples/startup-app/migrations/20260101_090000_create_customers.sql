-- MIGRATION: create customers
-- DIRECTION: up
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- DIRECTION: down
DROP TABLE customers;
