-- Indexes that do not back a primary key, with each key part as the database prints it, and
-- the kind of constraint they back (u: UNIQUE, x: EXCLUDE), if any.
SELECT n.nspname::text, t.relname::text, i.relname::text, x.indisunique, am.amname::text,
       pg_get_expr(x.indpred, x.indrelid),
       ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k ORDER BY k),
       ARRAY(SELECT (x.indoption[k - 1] & 1) = 1 FROM generate_series(1, x.indnkeyatts) k ORDER BY k),
       ARRAY(SELECT x.indkey[k - 1] = 0 FROM generate_series(1, x.indnkeyatts) k ORDER BY k),
       ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(x.indnkeyatts + 1, x.indnatts) k ORDER BY k),
       (SELECT k.contype::text FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('u', 'x') LIMIT 1)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
WHERE NOT x.indisprimary AND n.nspname = ANY($1)
ORDER BY n.nspname, t.relname, i.relname
