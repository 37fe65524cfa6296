-- Indexes that do not back a primary key, with each key part as the database prints it, and
-- the kind of constraint they back (u: UNIQUE, x: EXCLUDE), if any.
SELECT n.nspname::text, t.relname::text, i.relname::text, x.indisunique, am.amname::text,
       pg_get_expr(x.indpred, x.indrelid),
       -- A column key is its column's name (not pg_get_indexdef's quoted form); an expression is
       -- deparsed.
       ARRAY(SELECT CASE WHEN u.attnum <> 0 THEN a.attname::text ELSE pg_get_indexdef(x.indexrelid, u.k::int, true) END
             FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(attnum, k)
             LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
             WHERE u.k <= x.indnkeyatts ORDER BY u.k),
       ARRAY(SELECT (x.indoption[k - 1] & 1) = 1 FROM generate_series(1, x.indnkeyatts) k ORDER BY k),
       ARRAY(SELECT x.indkey[k - 1] = 0 FROM generate_series(1, x.indnkeyatts) k ORDER BY k),
       ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(attnum, k)
             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
             WHERE u.k > x.indnkeyatts ORDER BY u.k),
       kc.contype::text,
       -- Each key's operator class, when it is not its type's default.
       ARRAY(SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname::text END
             FROM unnest(x.indclass::oid[]) WITH ORDINALITY u(oid, k)
             JOIN pg_opclass opc ON opc.oid = u.oid ORDER BY u.k)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
-- A join: pg_constraint has no index on conindid, so a lookup per index scans it each time.
LEFT JOIN pg_constraint kc ON kc.conindid = x.indexrelid AND kc.conrelid = x.indrelid AND kc.contype IN ('u', 'x')
WHERE NOT x.indisprimary AND n.nspname = ANY($1)
ORDER BY n.nspname, t.relname, i.relname
