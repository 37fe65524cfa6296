-- Tables (ordinary and partitioned; partitions are reported apart) with their comments.
SELECT n.nspname::text, c.relname::text, obj_description(c.oid, 'pg_class'), c.relispartition
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1)
ORDER BY n.nspname, c.relname
