-- Enums, views, sequences and what the model does not describe, as (schema, kind, name, text).
SELECT n.nspname::text, 'enum', t.typname::text,
       array_to_string(ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), E'\n')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND n.nspname = ANY($1)
UNION ALL
SELECT n.nspname::text, CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, c.relname::text,
       pg_get_viewdef(c.oid, true)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1)
UNION ALL
SELECT n.nspname::text, 'sequence', c.relname::text,
       concat_ws(' ', s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle,
                 (SELECT quote_ident(tc.relname) || '.' || quote_ident(a.attname) FROM pg_depend d
                    JOIN pg_class tc ON tc.oid = d.refobjid
                    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                  -- classid and objsubid let pg_depend_depender_index find the row directly.
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.objsubid = 0
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S' AND n.nspname = ANY($1)
  -- An identity column's sequence is part of the column (created and dropped with it).
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.objsubid = 0 AND d.deptype = 'i')
UNION ALL
-- tgparentid (PostgreSQL 13+): a parent's trigger is listed once, not again per partition.
SELECT n.nspname::text, 'trigger', c.relname || '.' || g.tgname, NULL
FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT g.tgisinternal AND g.tgparentid = 0 AND n.nspname = ANY($1)
UNION ALL
SELECT n.nspname::text, CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY($1)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT n.nspname::text, 'policy', c.relname || '.' || po.polname, NULL
FROM pg_policy po JOIN pg_class c ON c.oid = po.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1)
UNION ALL
SELECT n.nspname::text, 'rule', c.relname || '.' || r.rulename, NULL
FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND n.nspname = ANY($1)
UNION ALL
SELECT n.nspname::text, 'domain', t.typname::text, NULL
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' AND n.nspname = ANY($1)
UNION ALL
SELECT '', 'extension', e.extname::text, NULL FROM pg_extension e WHERE e.extname <> 'plpgsql'
ORDER BY 1, 2, 3
