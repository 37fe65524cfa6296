-- Primary keys, foreign keys and checks, with column numbers in key order.
SELECT n.nspname::text, c.relname::text, k.conname::text, k.contype::text,
       k.conkey,
       rn.nspname::text, rc.relname::text,
       k.confkey,
       k.confupdtype::text, k.confdeltype::text, k.condeferrable, k.condeferred,
       -- Deparsed only where it is used: checks.
       CASE WHEN k.contype = 'c' THEN pg_get_constraintdef(k.oid, true) END,
       -- Column numbers are resolved against the columns already read; only a reference into a
       -- schema that is not being read needs its column names here.
       CASE WHEN k.contype = 'f' AND NOT (rn.nspname = ANY($1)) THEN
         ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
               JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) END
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = k.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE k.contype IN ('p', 'f', 'c') AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname, k.conname
