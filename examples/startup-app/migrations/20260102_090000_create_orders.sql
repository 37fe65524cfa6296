-- MIGRATION: create orders
-- DIRECTION: up
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0)
);
CREATE INDEX orders_customer ON orders (customer_id);
-- DIRECTION: down
DROP TABLE orders;
