-- Indexes that do not back a primary key, and the kind of constraint they back (u: UNIQUE,
-- x: EXCLUDE), if any.
SELECT n.nspname::text, t.relname::text, i.relname::text, x.indisunique, am.amname::text,
       pg_get_expr(x.indpred, x.indrelid),
       -- Key and INCLUDE columns as numbers (resolved against the columns already read), each
       -- key's options (bit 1: DESC), and the text of expression keys only (0 in indkey).
       -- Through text: a cast of an int2vector keeps its 0 lower bound, which sqlx refuses.
       string_to_array(x.indkey::text, ' ')::int2[],
       string_to_array(x.indoption::text, ' ')::int2[],
       x.indnkeyatts::int4,
       CASE WHEN 0 = ANY(x.indkey::int2[]) THEN
         ARRAY(SELECT CASE WHEN x.indkey[k - 1] = 0 THEN pg_get_indexdef(x.indexrelid, k, true) END
               FROM generate_series(1, x.indnkeyatts) k ORDER BY k)
       END,
       kc.contype::text,
       -- Each key's operator class, when it is not its type's default; looked up only for the
       -- few indexes that use such a class (the overlap test is cheap, the lookup is not).
       CASE WHEN x.indclass::oid[] && (SELECT array_agg(o.oid) FROM pg_opclass o WHERE NOT o.opcdefault) THEN
         ARRAY(SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname::text END
               FROM unnest(x.indclass::oid[]) WITH ORDINALITY u(oid, k)
               JOIN pg_opclass opc ON opc.oid = u.oid ORDER BY u.k)
       END
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
-- A join: pg_constraint has no index on conindid, so a lookup per index scans it each time.
LEFT JOIN pg_constraint kc ON kc.conindid = x.indexrelid AND kc.conrelid = x.indrelid AND kc.contype IN ('u', 'x')
WHERE NOT x.indisprimary AND n.nspname = ANY($1)
ORDER BY n.nspname, t.relname, i.relname
