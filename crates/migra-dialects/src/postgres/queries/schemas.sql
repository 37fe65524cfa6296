-- User schemas: everything but PostgreSQL's own, with comments.
SELECT n.nspname::text, obj_description(n.oid, 'pg_namespace')
FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%'
  AND n.nspname NOT LIKE 'pg_toast_temp_%'
ORDER BY n.nspname
