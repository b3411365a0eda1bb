#!/usr/bin/env bash
# docker compose only: the postgres image runs this once, when it initialises an empty data
# directory. One login role and one database per service that uses PostgreSQL; the role owns its
# database (its migrations create the tables there) and has nothing else: no superuser, no
# CREATEDB or CREATEROLE, no CONNECT on the other service's database. The apps connect with these
# roles; the `postgres` superuser stays for administration and the host-run tests.
# A volume initialised before this script existed keeps its old users: `docker compose down -v`.
set -euo pipefail

create_service_database() {
  local role=$1 database=$2 password=$3
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$role" -v database="$database" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
}

create_service_database auth_service auth "$AUTH_DB_PASSWORD"
create_service_database order_service orders "$ORDER_DB_PASSWORD"
