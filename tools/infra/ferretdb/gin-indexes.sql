-- Index-backed lookups on FerretDB (the native stand-in for MongoDB), applied to its PostgreSQL
-- database `ferretdb` by infra.sh on every `up`; idempotent.
--
-- FerretDB v1 turns an equality filter such as findById(x) into `WHERE _jsonb->'_id' @> '"x"'`,
-- and the indexes it creates for the apps' declared MongoDB indexes are btree indexes on
-- `(_jsonb->'field')`, which cannot serve `@>`: every lookup scanned its whole collection, so the
-- cost of a notification or an order-owner lookup grew with the data. This pairs the first field
-- of every index FerretDB creates with a GIN (jsonb_path_ops) index on the same expression, which
-- serves `@>`. MongoDB itself (compose, Kubernetes) uses its own indexes and needs none of this.
--
-- The pairing rides on an event trigger, so collections and indexes the apps create later are
-- covered too, and a backfill pairs the ones that exist already. Custom plans are forced in this
-- database: FerretDB passes the field name as a parameter, and only a plan made with its value
-- can match the index expression.

SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION ferretdb_pair_gin_index(btree_index oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  definition text := pg_get_indexdef(btree_index);
  target regclass;
  field text;
BEGIN
  IF definition NOT LIKE '% USING btree %' THEN
    RETURN;
  END IF;
  SELECT indrelid::regclass INTO target FROM pg_index WHERE indexrelid = btree_index;
  -- The first key: the field an equality lookup selects on.
  field := substring(definition FROM $re$USING btree \(\(\(_jsonb -> '([^']+)'::text\)\)$re$);
  IF field IS NULL THEN
    RETURN;
  END IF;
  EXECUTE format(
    'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops)',
    left((SELECT relname FROM pg_class WHERE oid = target), 40) || '_' || left(md5(field), 8) || '_gin',
    target,
    field
  );
END
$$;

CREATE OR REPLACE FUNCTION ferretdb_pair_gin_indexes() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  command record;
BEGIN
  FOR command IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM ferretdb_pair_gin_index(command.objid);
  END LOOP;
END
$$;

DROP EVENT TRIGGER IF EXISTS ferretdb_gin_indexes;
CREATE EVENT TRIGGER ferretdb_gin_indexes ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION ferretdb_pair_gin_indexes();

-- Indexes created before the trigger existed.
SELECT ferretdb_pair_gin_index(i.indexrelid)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public');

ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;
