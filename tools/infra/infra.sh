#!/usr/bin/env bash
# The project's real servers on loopback, on any host:
#   infra.sh up [service...]     provision what is missing, start, wait until each one answers
#   infra.sh down [service...]   stop what this script started
#   infra.sh status              what runs where
#   infra.sh env                 the environment the apps and tests read (eval-able)
# Services: postgres redis kafka clickhouse mongo prometheus jaeger.
#
# With a Docker engine (docker info answers) and INFRA_MODE unset or "docker", the servers come
# from docker-compose.yml, seen through compose/servers.yml (the servers only, never the apps);
# otherwise (INFRA_MODE=native, or no engine) they are provisioned natively:
# Kafka from Maven Central run by the system JDK, PostgreSQL/Redis/ClickHouse from Debian packages,
# FerretDB (MongoDB wire protocol on PostgreSQL) built with Go. Everything native lives under
# $INFRA_HOME (default: <repo>/.infra, git-ignored): binaries, data, logs, pid files.
# Running `up` twice is harmless; `down` stops only the processes whose pid files it wrote.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tools/infra"
INFRA_HOME=${INFRA_HOME:-"$ROOT/.infra"}
case "$INFRA_HOME" in /*) ;; *) INFRA_HOME="$ROOT/${INFRA_HOME#./}" ;; esac

# One port table for both modes; docker-compose.yml publishes the same ports from the same variables.
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
POSTGRES_PORT=${POSTGRES_PORT:-5432}
POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-postgres}
REDIS_PORT=${REDIS_PORT:-6379}
# Under docker compose only (natively Redis and MongoDB listen on loopback without authentication):
# the administrative passwords, which `env` puts into REDIS_URL and MONGO_URL for the host-run tests.
REDIS_PASSWORD=${REDIS_PASSWORD:-redis-admin-dev-password}
MONGO_ROOT_PASSWORD=${MONGO_ROOT_PASSWORD:-mongo-root-dev-password}
CLICKHOUSE_HTTP_PORT=${CLICKHOUSE_HTTP_PORT:-8123}
CLICKHOUSE_TCP_PORT=${CLICKHOUSE_TCP_PORT:-9000}
CLICKHOUSE_PASSWORD=${CLICKHOUSE_PASSWORD:-}
MONGO_PORT=${MONGO_PORT:-27017}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
JAEGER_UI_PORT=${JAEGER_UI_PORT:-16686}
JAEGER_OTLP_GRPC_PORT=${JAEGER_OTLP_GRPC_PORT:-4317}
JAEGER_OTLP_HTTP_PORT=${JAEGER_OTLP_HTTP_PORT:-4318}
READY_TIMEOUT_S=${INFRA_READY_TIMEOUT_S:-120}

ALL_SERVICES=(postgres redis kafka clickhouse mongo prometheus jaeger)

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

# --- helpers -------------------------------------------------------------------------------------

is_root() { [ "$(id -u)" = 0 ]; }
sudo_if_needed() { if is_root; then "$@"; else sudo "$@"; fi; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_until <what> <timeout-s> <command...>: bounded poll, never a fixed sleep; logs "<what> is ready".
wait_until() {
  local what=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.5
  done
  if [ -n "$what" ]; then log "$what is ready"; fi
}

# A port held by a process we did not start is a conflict to report, not to fight over.
require_free_port() {
  local svc=$1 var=$2 port=$3
  if port_open "$port"; then
    die "$svc cannot listen on 127.0.0.1:$port: something else already does (ss -ltnp 'sport = :$port').
        Stop it, or choose another port: $var=<port> npm run infra:up (and export the same $var for the apps)."
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "cannot install $* automatically: no apt-get here. Install them, or use Docker (docker compose up -d)."
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Render a template: every @KEY@ becomes the value of the named shell variable.
render() {
  local src=$1 dst=$2; shift 2
  local content
  content=$(<"$src")
  for key in "$@"; do content=${content//@$key@/${!key}}; done
  printf '%s\n' "$content" >"$dst"
}

# --- postgres ------------------------------------------------------------------------------------
PG_DIR="$INFRA_HOME/postgres"

pg_bindir() { compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -1; }

# Postgres refuses to run as root, so as root the cluster belongs to the `postgres` system user,
# which must be able to reach the data directory (a clone under a 0700 mktemp dir is not).
pg_run() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_make_reachable() {
  is_root || return 0
  local d=$PG_DIR
  while [ "$d" != / ]; do
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null && [ -e "$d" ]; then
      log "granting traverse permission (o+x) on $d so that the postgres user reaches $PG_DIR"
      chmod o+x "$d"
    fi
    d=$(dirname "$d")
  done
}

pg_install() { [ -n "$(pg_bindir)" ] || apt_install postgresql; }

pg_ready() { pg_run "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"; }

pg_up() {
  pg_install
  local bin; bin=$(pg_bindir)
  mkdir -p "$PG_DIR/run"
  if is_root; then chown -R postgres:postgres "$PG_DIR"; fi
  pg_make_reachable
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    log "initialising PostgreSQL cluster in $PG_DIR/data"
    local pwfile="$PG_DIR/run/pwfile"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    if is_root; then chown postgres:postgres "$pwfile"; fi
    pg_run "$bin/initdb" -D "$PG_DIR/data" -U postgres --pwfile="$pwfile" \
      --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log"
    rm -f "$pwfile"
  fi
  if pg_run "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    log "postgres already running"
  else
    require_free_port postgres POSTGRES_PORT "$POSTGRES_PORT"
    # wal_log_hints lets pg_rewind turn a primary that was failed over into a standby of its
    # successor (the failover drill's failback) instead of copying the whole cluster again.
    pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 start -o \
      "-p $POSTGRES_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR/run -c max_connections=300 -c wal_log_hints=on" >/dev/null \
      || die "postgres did not start; see $PG_DIR/postgres.log"
  fi
  wait_until postgres "$READY_TIMEOUT_S" pg_ready || die "postgres not ready; see $PG_DIR/postgres.log"
  # A standby (the failover drill's second region, tools/drill/region.sh) is read-only: its schema
  # and FerretDB's database come from its primary.
  if [ "$(pg_run "$bin/psql" -h "$PG_DIR/run" -p "$POSTGRES_PORT" -U postgres -tAc "SELECT pg_is_in_recovery()")" = t ]; then
    log "postgres is a standby of $(pg_primary): read-only until promoted"
    return
  fi
  # FerretDB keeps its documents in a database of its own.
  if ! pg_run "$bin/psql" -h "$PG_DIR/run" -p "$POSTGRES_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'" | grep -q 1; then
    pg_run "$bin/psql" -h "$PG_DIR/run" -p "$POSTGRES_PORT" -U postgres -qc "CREATE DATABASE ferretdb" >/dev/null
  fi
  # FerretDB's own indexes cannot serve the filters it sends: pair them with GIN indexes (see the file).
  pg_run "$bin/psql" -h "$PG_DIR/run" -p "$POSTGRES_PORT" -U postgres -d ferretdb -q -v ON_ERROR_STOP=1 \
    -f "$HERE/ferretdb/gin-indexes.sql" >/dev/null || die "postgres: tools/infra/ferretdb/gin-indexes.sql failed"
}

# The primary a standby streams from (its primary_conninfo's port), for the logs.
pg_primary() { grep -ho "port=[0-9]*" "$PG_DIR/data/postgresql.auto.conf" 2>/dev/null | tail -1 | sed 's/port=/127.0.0.1:/'; }

pg_down() {
  local bin; bin=$(pg_bindir)
  [ -n "$bin" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
  pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 && log "postgres stopped" || true
}

pg_status() {
  local bin; bin=$(pg_bindir)
  if [ -n "$bin" ] && [ -d "$PG_DIR/data" ] && pg_run "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    echo "running  postgres://postgres:***@127.0.0.1:$POSTGRES_PORT  data=$PG_DIR/data"
  else echo "stopped"; fi
}

# --- redis ---------------------------------------------------------------------------------------
REDIS_DIR="$INFRA_HOME/redis"

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

redis_up() {
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$REDIS_DIR"
  if pid_alive "$REDIS_DIR/redis.pid"; then
    log "redis already running"
  else
    require_free_port redis REDIS_PORT "$REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --daemonize yes \
      --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
      --appendonly yes --save "" >/dev/null
  fi
  wait_until redis "$READY_TIMEOUT_S" redis_ready || die "redis not ready; see $REDIS_DIR/redis.log"
}

redis_down() { stop_pidfile redis "$REDIS_DIR/redis.pid"; }

redis_status() {
  if pid_alive "$REDIS_DIR/redis.pid"; then echo "running  redis://127.0.0.1:$REDIS_PORT  data=$REDIS_DIR"; else echo "stopped"; fi
}

# --- kafka ---------------------------------------------------------------------------------------
KAFKA_DIR="$INFRA_HOME/kafka"

# maven_jars <what> <pom> <dir>: the runtime jars of a pom in <dir>/libs, resolved again only when
# the pom changes (its hash in <dir>/libs.stamp).
maven_jars() {
  local what=$1 pom=$2 dir=$3
  local stamp; stamp=$(sha256sum "$pom" | cut -c1-16)
  [ "$(cat "$dir/libs.stamp" 2>/dev/null)" != "$stamp" ] || return 0
  command -v mvn >/dev/null || apt_install maven
  mkdir -p "$dir"
  log "resolving $what's jars with Maven (${pom#"$ROOT"/})"
  rm -rf "$dir/libs"
  mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/libs" \
    >"$dir/mvn.log" 2>&1 || die "Maven could not resolve $what; see $dir/mvn.log"
  echo "$stamp" >"$dir/libs.stamp"
}

kafka_install() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  maven_jars "the Kafka broker" "$HERE/kafka/pom.xml" "$KAFKA_DIR"
}

# The JVM command line of the broker and its tools (an array, so that `cmd &` forks java itself
# and $! is the broker's own pid).
kafka_java() {
  KAFKA_JAVA=(java -Xms256m -Xmx"${KAFKA_HEAP_MB:-768}"m -XX:+UseG1GC -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$HERE/kafka/log4j2.properties" -cp "$KAFKA_DIR/libs/*")
}

kafka_ready() { port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$KAFKA_DIR/kafka.log"; }

kafka_up() {
  mkdir -p "$KAFKA_DIR"
  kafka_install
  kafka_java
  # shellcheck disable=SC2034 # read by render, through ${!key}
  local DIR=$KAFKA_DIR PORT=$KAFKA_PORT CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
  # A second listener for clients that must reach the broker through a TCP proxy (the fault suite's
  # network scenario): the broker listens on KAFKA_PROXIED_PORT and advertises the proxy's port
  # there, so the metadata a client reads through the proxy sends it back through the proxy, never
  # around it. The first listener stays as it is for everyone else.
  # shellcheck disable=SC2034 # read by render, through ${!key}
  local PROXIED_LISTENER="" PROXIED_ADVERTISED="" PROXIED_PROTOCOL=""
  # shellcheck disable=SC2034 # read by render, through ${!key}
  if [ -n "${KAFKA_PROXIED_PORT:-}" ]; then
    [ -n "${KAFKA_PROXIED_ADVERTISED_PORT:-}" ] || die "KAFKA_PROXIED_PORT needs KAFKA_PROXIED_ADVERTISED_PORT (the proxy's port)"
    PROXIED_LISTENER=",PROXIED://127.0.0.1:$KAFKA_PROXIED_PORT"
    PROXIED_ADVERTISED=",PROXIED://127.0.0.1:$KAFKA_PROXIED_ADVERTISED_PORT"
    PROXIED_PROTOCOL=",PROXIED:PLAINTEXT"
  fi
  render "$HERE/kafka/server.properties.tmpl" "$KAFKA_DIR/server.properties" DIR PORT CONTROLLER_PORT \
    PROXIED_LISTENER PROXIED_ADVERTISED PROXIED_PROTOCOL
  if pid_alive "$KAFKA_DIR/kafka.pid"; then
    log "kafka already running"
  else
    require_free_port kafka KAFKA_PORT "$KAFKA_PORT"
    require_free_port kafka KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
    [ -z "${KAFKA_PROXIED_PORT:-}" ] || require_free_port kafka KAFKA_PROXIED_PORT "$KAFKA_PROXIED_PORT"
    if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
      log "formatting KRaft storage in $KAFKA_DIR/data"
      local cluster_id; cluster_id=$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
      "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" \
        >"$KAFKA_DIR/format.log" 2>&1 || die "formatting Kafka storage failed; see $KAFKA_DIR/format.log"
    fi
    : >"$KAFKA_DIR/kafka.log"
    "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties" >>"$KAFKA_DIR/kafka.log" 2>&1 </dev/null &
    echo $! >"$KAFKA_DIR/kafka.pid"
    disown
  fi
  wait_until kafka "$READY_TIMEOUT_S" kafka_ready || die "kafka not ready; see $KAFKA_DIR/kafka.log"
}

kafka_down() { stop_pidfile kafka "$KAFKA_DIR/kafka.pid"; }

kafka_status() {
  if pid_alive "$KAFKA_DIR/kafka.pid"; then echo "running  127.0.0.1:$KAFKA_PORT (KRaft)  data=$KAFKA_DIR/data"; else echo "stopped"; fi
}

# --- clickhouse ----------------------------------------------------------------------------------
CH_DIR="$INFRA_HOME/clickhouse"

ch_ready() {
  [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/ping" 2>/dev/null)" = "Ok." ]
}

ch_up() {
  command -v clickhouse-server >/dev/null || [ -x /usr/sbin/clickhouse-server ] || apt_install clickhouse-server
  command -v curl >/dev/null || apt_install curl
  mkdir -p "$CH_DIR"/{data,tmp,user_files,format_schemas,log}
  # shellcheck disable=SC2034 # read by render, through ${!key}
  local DIR=$CH_DIR HTTP_PORT=$CLICKHOUSE_HTTP_PORT TCP_PORT=$CLICKHOUSE_TCP_PORT PASSWORD=$CLICKHOUSE_PASSWORD
  render "$HERE/clickhouse/config.xml.tmpl" "$CH_DIR/config.xml" DIR HTTP_PORT TCP_PORT
  render "$HERE/clickhouse/users.xml.tmpl" "$CH_DIR/users.xml" PASSWORD
  if pid_alive "$CH_DIR/clickhouse.pid"; then
    log "clickhouse already running"
  else
    require_free_port clickhouse CLICKHOUSE_HTTP_PORT "$CLICKHOUSE_HTTP_PORT"
    require_free_port clickhouse CLICKHOUSE_TCP_PORT "$CLICKHOUSE_TCP_PORT"
    # Started in its data folder: old releases write status files relative to the working directory.
    (
      cd "$CH_DIR"
      /usr/sbin/clickhouse-server --config-file="$CH_DIR/config.xml" >"$CH_DIR/log/stdout.log" 2>&1 </dev/null &
      echo $! >"$CH_DIR/clickhouse.pid"
    )
  fi
  wait_until clickhouse "$READY_TIMEOUT_S" ch_ready || die "clickhouse not ready; see $CH_DIR/log/"
}

ch_down() { stop_pidfile clickhouse "$CH_DIR/clickhouse.pid"; }

ch_status() {
  if pid_alive "$CH_DIR/clickhouse.pid"; then
    echo "running  http://127.0.0.1:$CLICKHOUSE_HTTP_PORT (native :$CLICKHOUSE_TCP_PORT)  data=$CH_DIR/data"
  else echo "stopped"; fi
}

# --- mongo (FerretDB on the project's PostgreSQL) ------------------------------------------------
MONGO_DIR="$INFRA_HOME/ferretdb"

mongo_install() {
  local stamp; stamp=$(cat "$HERE/ferretdb/go.sum" "$HERE/ferretdb/main.go" | sha256sum | cut -c1-16)
  if [ ! -x "$INFRA_HOME/bin/ferretdb" ] || [ "$(cat "$MONGO_DIR/build.stamp" 2>/dev/null)" != "$stamp" ]; then
    command -v go >/dev/null || die "building FerretDB needs Go >= 1.24 (https://go.dev/doc/install), or use Docker."
    log "building FerretDB (tools/infra/ferretdb) with $(go version | cut -d' ' -f3)"
    mkdir -p "$INFRA_HOME/bin"
    (cd "$HERE/ferretdb" && go build -trimpath -o "$INFRA_HOME/bin/ferretdb" .) >"$MONGO_DIR/build.log" 2>&1 \
      || die "building FerretDB failed; see $MONGO_DIR/build.log"
    echo "$stamp" >"$MONGO_DIR/build.stamp"
  fi
}

mongo_up() {
  mkdir -p "$MONGO_DIR"
  mongo_install
  pg_ready || die "mongo (FerretDB) stores its documents in PostgreSQL: start postgres first (infra.sh up postgres mongo)"
  if pid_alive "$MONGO_DIR/ferretdb.pid"; then
    log "mongo (FerretDB) already running"
  else
    require_free_port mongo MONGO_PORT "$MONGO_PORT"
    "$INFRA_HOME/bin/ferretdb" --listen-addr "127.0.0.1:$MONGO_PORT" \
      --postgresql-url "postgres://postgres:$POSTGRES_PASSWORD@127.0.0.1:$POSTGRES_PORT/ferretdb" \
      >"$MONGO_DIR/ferretdb.log" 2>&1 </dev/null &
    echo $! >"$MONGO_DIR/ferretdb.pid"
  fi
  wait_until "mongo (FerretDB)" "$READY_TIMEOUT_S" port_open "$MONGO_PORT" \
    || die "mongo (FerretDB) not ready; see $MONGO_DIR/ferretdb.log"
}

mongo_down() { stop_pidfile "mongo (FerretDB)" "$MONGO_DIR/ferretdb.pid"; }

mongo_status() {
  if pid_alive "$MONGO_DIR/ferretdb.pid"; then echo "running  mongodb://127.0.0.1:$MONGO_PORT (FerretDB on postgres db ferretdb)"; else echo "stopped"; fi
}

# --- prometheus (Debian's package): scrapes the apps, evaluates the alert and SLO rules ---------
PROM_DIR="$INFRA_HOME/prometheus"

prometheus_ready() { curl -fsS --max-time 2 "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1; }

prometheus_up() {
  command -v prometheus >/dev/null || apt_install prometheus
  command -v curl >/dev/null || apt_install curl
  mkdir -p "$PROM_DIR/data"
  # The apps' internal metrics ports (their defaults), as tools/dev/up.sh starts them.
  # shellcheck disable=SC2034 # read by render, through ${!key}
  local PORT=$PROMETHEUS_PORT RULES="$ROOT/tools/observability/prometheus/rules"
  local GATEWAY_METRICS_PORT=${GATEWAY_METRICS_PORT:-9400} AUTH_METRICS_PORT=${AUTH_METRICS_PORT:-9401}
  local ORDER_METRICS_PORT=${ORDER_METRICS_PORT:-9402} NOTIFICATION_METRICS_PORT=${NOTIFICATION_METRICS_PORT:-9403}
  local ANALYTICS_METRICS_PORT=${ANALYTICS_METRICS_PORT:-9404} DLQ_METRICS_PORT=${DLQ_METRICS_PORT:-9405}
  render "$HERE/prometheus/prometheus.yml.tmpl" "$PROM_DIR/prometheus.yml" PORT RULES \
    GATEWAY_METRICS_PORT AUTH_METRICS_PORT ORDER_METRICS_PORT NOTIFICATION_METRICS_PORT ANALYTICS_METRICS_PORT DLQ_METRICS_PORT
  if pid_alive "$PROM_DIR/prometheus.pid"; then
    # Picks up a changed config or rule file without losing its data.
    curl -fsS -X POST "http://127.0.0.1:$PROMETHEUS_PORT/-/reload" >/dev/null 2>&1 || true
    log "prometheus already running (configuration reloaded)"
  else
    require_free_port prometheus PROMETHEUS_PORT "$PROMETHEUS_PORT"
    prometheus --config.file="$PROM_DIR/prometheus.yml" --storage.tsdb.path="$PROM_DIR/data" \
      --storage.tsdb.retention.time=7d --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
      --web.enable-lifecycle >"$PROM_DIR/prometheus.log" 2>&1 </dev/null &
    echo $! >"$PROM_DIR/prometheus.pid"
  fi
  wait_until prometheus "$READY_TIMEOUT_S" prometheus_ready || die "prometheus not ready; see $PROM_DIR/prometheus.log"
}

prometheus_down() { stop_pidfile prometheus "$PROM_DIR/prometheus.pid"; }

prometheus_status() {
  if pid_alive "$PROM_DIR/prometheus.pid"; then echo "running  http://127.0.0.1:$PROMETHEUS_PORT (alerts: /alerts)"; else echo "stopped"; fi
}

# --- jaeger (v2, built with Go from tools/infra/jaeger): the trace backend, OTLP in ----------
JAEGER_DIR="$INFRA_HOME/jaeger"
# Its query gRPC and health ports sit beside the UI's.
JAEGER_QUERY_GRPC_PORT=$((JAEGER_UI_PORT - 1))
JAEGER_HEALTH_PORT=13133

jaeger_ready() { curl -fsS --max-time 2 "http://127.0.0.1:$JAEGER_HEALTH_PORT/status" >/dev/null 2>&1; }

jaeger_install() {
  local stamp; stamp=$(cat "$HERE/jaeger/go.mod" "$HERE/jaeger/go.sum" | sha256sum | cut -c1-16)
  if [ ! -x "$INFRA_HOME/bin/jaeger" ] || [ "$(cat "$JAEGER_DIR/build.stamp" 2>/dev/null)" != "$stamp" ]; then
    command -v go >/dev/null || die "building Jaeger needs Go >= 1.24 (https://go.dev/doc/install), or use Docker."
    log "building Jaeger (tools/infra/jaeger, a few minutes the first time) with $(go version | cut -d' ' -f3)"
    mkdir -p "$INFRA_HOME/bin"
    (cd "$HERE/jaeger" && go build -trimpath -o "$INFRA_HOME/bin/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger) \
      >"$JAEGER_DIR/build.log" 2>&1 || die "building Jaeger failed; see $JAEGER_DIR/build.log"
    echo "$stamp" >"$JAEGER_DIR/build.stamp"
  fi
}

jaeger_up() {
  mkdir -p "$JAEGER_DIR"
  jaeger_install
  command -v curl >/dev/null || apt_install curl
  if pid_alive "$JAEGER_DIR/jaeger.pid"; then
    log "jaeger already running"
  else
    require_free_port jaeger JAEGER_UI_PORT "$JAEGER_UI_PORT"
    require_free_port jaeger JAEGER_OTLP_HTTP_PORT "$JAEGER_OTLP_HTTP_PORT"
    require_free_port jaeger JAEGER_OTLP_GRPC_PORT "$JAEGER_OTLP_GRPC_PORT"
    # The configuration docker-compose.yml mounts too; here on loopback, at this script's ports.
    JAEGER_LISTEN_HOST=127.0.0.1 JAEGER_UI_PORT=$JAEGER_UI_PORT JAEGER_QUERY_GRPC_PORT=$JAEGER_QUERY_GRPC_PORT \
      JAEGER_HEALTH_PORT=$JAEGER_HEALTH_PORT JAEGER_OTLP_GRPC_PORT=$JAEGER_OTLP_GRPC_PORT \
      JAEGER_OTLP_HTTP_PORT=$JAEGER_OTLP_HTTP_PORT \
      "$INFRA_HOME/bin/jaeger" --config "$HERE/jaeger/jaeger.yml" >"$JAEGER_DIR/jaeger.log" 2>&1 </dev/null &
    echo $! >"$JAEGER_DIR/jaeger.pid"
  fi
  wait_until jaeger "$READY_TIMEOUT_S" jaeger_ready || die "jaeger not ready; see $JAEGER_DIR/jaeger.log"
}

jaeger_down() { stop_pidfile jaeger "$JAEGER_DIR/jaeger.pid"; }

jaeger_status() {
  if pid_alive "$JAEGER_DIR/jaeger.pid"; then
    echo "running  OTLP http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT, query API http://127.0.0.1:$JAEGER_UI_PORT/api/traces"
  else echo "stopped"; fi
}

# --- process control -----------------------------------------------------------------------------

# SIGTERM, then wait (bounded) for a clean exit; SIGKILL only if the process ignores it.
stop_pidfile() {
  local name=$1 pidfile=$2
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "" 30 bash -c "! kill -0 $pid"; then
    log "$name did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "$name stopped"
}

# --- docker mode ---------------------------------------------------------------------------------

docker_engine() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

use_docker() {
  case "${INFRA_MODE:-auto}" in
    native) return 1 ;;
    docker) docker_engine || die "INFRA_MODE=docker but no Docker engine answers (docker info)"; return 0 ;;
    auto) docker_engine ;;
    *) die "INFRA_MODE must be auto, native or docker (got '${INFRA_MODE}')" ;;
  esac
}

compose_service() {
  case "$1" in
    postgres | redis | kafka | clickhouse | mongo | prometheus | jaeger) echo "$1" ;;
    *) die "unknown service '$1' (known: ${ALL_SERVICES[*]})" ;;
  esac
}

# The servers' view of docker-compose.yml (compose/servers.yml puts the apps, the collector and
# Grafana into profiles), so that even `up` without names starts the servers only, never the apps.
compose() { docker compose -f "$ROOT/docker-compose.yml" -f "$ROOT/compose/servers.yml" "$@"; }

# docker_cmd up|down|status <service>...: the services are always named (main defaults them to
# ALL_SERVICES); `down` stops only those, and leaves whatever else runs under compose.
docker_cmd() {
  local cmd=$1; shift
  local services=()
  for s in "$@"; do services+=("$(compose_service "$s")"); done
  case "$cmd" in
    up) compose up -d --wait "${services[@]}" ;;
    down) compose stop "${services[@]}" ;;
    status) compose ps ;;
  esac
}

# --- commands ------------------------------------------------------------------------------------

fn_prefix() { case "$1" in postgres) echo pg ;; clickhouse) echo ch ;; *) echo "$1" ;; esac; }

print_env() {
  local redis_url=redis://127.0.0.1:$REDIS_PORT mongo_url=mongodb://127.0.0.1:$MONGO_PORT
  if use_docker; then
    # docker-compose.yml turns authentication on: the host-run tests use the administrative users.
    redis_url=redis://default:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT
    mongo_url="mongodb://root:$MONGO_ROOT_PASSWORD@127.0.0.1:$MONGO_PORT/?authSource=admin"
  fi
  cat <<EOF
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export POSTGRES_URL=postgres://postgres:$POSTGRES_PASSWORD@127.0.0.1:$POSTGRES_PORT/postgres
export REDIS_URL=$redis_url
export CLICKHOUSE_URL=http://127.0.0.1:$CLICKHOUSE_HTTP_PORT
export CLICKHOUSE_USER=default
export CLICKHOUSE_PASSWORD=$CLICKHOUSE_PASSWORD
export MONGO_URL='$mongo_url'
export PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT
export JAEGER_QUERY_URL=http://127.0.0.1:$JAEGER_UI_PORT
export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT
EOF
}

main() {
  local cmd=${1:-status}; shift || true
  local services=("$@")
  [ ${#services[@]} -gt 0 ] || services=("${ALL_SERVICES[@]}")
  for s in "${services[@]}"; do compose_service "$s" >/dev/null; done

  if [ "$cmd" = env ]; then print_env; return; fi
  if use_docker; then
    log "Docker engine found: using docker-compose.yml (INFRA_MODE=native to run the servers natively)"
    if [ "$cmd" = up ] || [ "$cmd" = down ]; then docker_cmd "$cmd" "${services[@]}"; else docker_cmd status; fi
    # The tests run promtool and a Prometheus of their own beside the system (dashboards' queries).
    if [ "$cmd" = up ] && ! command -v prometheus >/dev/null && command -v apt-get >/dev/null; then
      apt_install prometheus
    fi
    return
  fi

  mkdir -p "$INFRA_HOME"
  case "$cmd" in
    up)
      # postgres before mongo: FerretDB stores its documents there.
      for s in "${ALL_SERVICES[@]}"; do
        if [[ " ${services[*]} " == *" $s "* ]]; then "$(fn_prefix "$s")_up"; fi
      done
      log "all requested services answer on 127.0.0.1 (npm run infra:status)"
      ;;
    down)
      for ((i = ${#ALL_SERVICES[@]} - 1; i >= 0; i--)); do
        s=${ALL_SERVICES[$i]}
        if [[ " ${services[*]} " == *" $s "* ]]; then "$(fn_prefix "$s")_down"; fi
      done
      ;;
    status)
      echo "native infrastructure in $INFRA_HOME"
      for s in "${services[@]}"; do printf '  %-11s %s\n' "$s" "$("$(fn_prefix "$s")_status")"; done
      ;;
    *) die "usage: infra.sh up|down|status|env [${ALL_SERVICES[*]}]" ;;
  esac
}

# Sourced (tools/drill/region.sh reuses the helpers above), it only defines them.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
