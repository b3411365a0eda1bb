#!/usr/bin/env bash
# The steps of the region failover runbook that act on servers, for one region's native servers
# (tools/infra/infra.sh with that region's INFRA_HOME and ports, as tools/drill/run.sh exports them):
#   region.sh standby <primary-port> <slot>   make this region's PostgreSQL a streaming standby of the
#                                             primary on 127.0.0.1:<primary-port> (pg_basebackup)
#   region.sh promote                         promote the standby; writes are accepted when it returns
#   region.sh rewind <primary-port> <slot>    turn a failed-over primary into a standby of its
#                                             successor (pg_rewind), for the failback
#   region.sh mm2-up <source-port> <topics>   MirrorMaker 2: the source cluster mirrored into this
#                                             region's Kafka, topics and group offsets
#   region.sh mm2-down [--now]                stop it (--now: SIGKILL, when its source is gone and
#                                             there is nothing left to hand over)
#   region.sh kill                            SIGKILL every server process of the region (a lost region)
#   region.sh wipe <kafka|clickhouse>         delete a stopped server's data (a returning region's Kafka
#                                             log and derived store have forked from the survivor's)
# Then `infra.sh up ...` starts what is stopped. Loopback only, development credentials only: this is
# the drill's tooling, not a production runbook (k8s/README.md has that).
set -euo pipefail
# shellcheck source=../infra/infra.sh
source "$(dirname "${BASH_SOURCE[0]}")/../infra/infra.sh"

DRILL_HERE="$ROOT/tools/drill"
MM2_DIR="$INFRA_HOME/mm2"
# Seconds between MirrorMaker's checkpoints, group offset syncs and topic/group refreshes.
MM2_INTERVAL_S=${MM2_INTERVAL_S:-1}

now_ms() { date +%s%3N; }

psql_here() { pg_run "$(pg_bindir)/psql" -h "$PG_DIR/run" -p "$POSTGRES_PORT" -U postgres -tAc "$1"; }

# The replication connection's password comes from a file only the postgres user reads, never argv.
write_passfile() {
  local file="$PG_DIR/run/pgpass"
  mkdir -p "$PG_DIR/run"
  printf '127.0.0.1:*:*:postgres:%s\n' "$POSTGRES_PASSWORD" >"$file"
  chmod 600 "$file"
  if is_root; then chown postgres:postgres "$file" "$PG_DIR" "$PG_DIR/run"; fi
  echo "$file"
}

cmd_standby() {
  local primary=$1 slot=$2 bin
  pg_install
  bin=$(pg_bindir)
  [ ! -f "$PG_DIR/data/PG_VERSION" ] || die "$PG_DIR/data exists already: a standby starts from an empty directory"
  mkdir -p "$PG_DIR"
  pg_make_reachable
  local passfile t0
  passfile=$(write_passfile)
  t0=$(now_ms)
  # -R writes standby.signal and primary_conninfo; -C -S creates the slot that keeps the primary's
  # WAL until this standby has it, so a slow link never makes the standby fall behind for good.
  pg_run env PGPASSFILE="$passfile" "$bin/pg_basebackup" -D "$PG_DIR/data" -h 127.0.0.1 -p "$primary" \
    -U postgres -R -X stream -C -S "$slot" -c fast >"$PG_DIR/basebackup.log" 2>&1 \
    || die "pg_basebackup from 127.0.0.1:$primary failed; see $PG_DIR/basebackup.log"
  # primary_conninfo names the passfile, not the password.
  echo "primary_conninfo = 'host=127.0.0.1 port=$primary user=postgres passfile=$passfile application_name=$slot'" \
    | pg_run tee -a "$PG_DIR/data/postgresql.auto.conf" >/dev/null
  log "standby of 127.0.0.1:$primary made in $(($(now_ms) - t0)) ms (slot $slot)"
}

cmd_promote() {
  local bin t0; bin=$(pg_bindir)
  t0=$(now_ms)
  pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -w -t 60 promote >/dev/null || die "promotion failed; see $PG_DIR/postgres.log"
  # The new timeline reaches pg_control only at the next checkpoint, and pg_rewind reads it there:
  # without it a failback finds "no rewind required" and the old primary never streams again.
  psql_here "CHECKPOINT" >/dev/null
  log "promoted in $(($(now_ms) - t0)) ms"
}

cmd_rewind() {
  local primary=$1 slot=$2 bin; bin=$(pg_bindir)
  local pid; pid=$(head -1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)
  # A SIGKILLed postmaster can linger as a zombie a moment; pg_rewind refuses a live pid file.
  if [ -n "$pid" ]; then wait_until "" 30 bash -c "! kill -0 $pid" || die "postmaster $pid still alive"; fi
  local passfile; passfile=$(write_passfile)
  local t0; t0=$(now_ms)
  pg_run env PGPASSFILE="$passfile" "$bin/pg_rewind" --target-pgdata="$PG_DIR/data" \
    --source-server="host=127.0.0.1 port=$primary user=postgres dbname=postgres" >"$PG_DIR/rewind.log" 2>&1 \
    || die "pg_rewind failed; see $PG_DIR/rewind.log"
  pg_run env PGPASSFILE="$passfile" "$bin/psql" -h 127.0.0.1 -p "$primary" -U postgres -tAc \
    "SELECT pg_create_physical_replication_slot('$slot') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$slot')" \
    >/dev/null
  # pg_rewind copied the source's configuration, its own primary_conninfo included: the last line wins.
  pg_run tee -a "$PG_DIR/data/postgresql.auto.conf" >/dev/null <<CONF
primary_conninfo = 'host=127.0.0.1 port=$primary user=postgres passfile=$passfile application_name=$slot'
primary_slot_name = '$slot'
CONF
  pg_run touch "$PG_DIR/data/standby.signal"
  log "rewound onto 127.0.0.1:$primary in $(($(now_ms) - t0)) ms: $(grep -E 'servers diverged' "$PG_DIR/rewind.log" || true)"
}

mm2_install() {
  mkdir -p "$MM2_DIR"
  kafka_install
  maven_jars "MirrorMaker 2" "$DRILL_HERE/mm2/pom.xml" "$MM2_DIR"
}

cmd_mm2_up() {
  # shellcheck disable=SC2034 # read by render, through ${!key}
  local A_PORT=$1 TOPICS=$2 B_PORT=$KAFKA_PORT INTERVAL_S=$MM2_INTERVAL_S
  mm2_install
  if pid_alive "$MM2_DIR/mm2.pid"; then log "MirrorMaker 2 already running"; return; fi
  render "$DRILL_HERE/mm2/mm2.properties.tmpl" "$MM2_DIR/mm2.properties" A_PORT B_PORT TOPICS INTERVAL_S
  : >"$MM2_DIR/mm2.log"
  java -Xms128m -Xmx"${MM2_HEAP_MB:-256}"m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$DRILL_HERE/mm2/log4j2.properties" -cp "$MM2_DIR/libs/*" \
    org.apache.kafka.connect.mirror.MirrorMaker "$MM2_DIR/mm2.properties" >>"$MM2_DIR/mm2.log" 2>&1 </dev/null &
  echo $! >"$MM2_DIR/mm2.pid"
  disown
  wait_until "MirrorMaker 2 (127.0.0.1:$A_PORT -> 127.0.0.1:$B_PORT)" "$READY_TIMEOUT_S" \
    grep -q "Kafka MirrorMaker started" "$MM2_DIR/mm2.log" || die "MirrorMaker 2 did not start; see $MM2_DIR/mm2.log"
}

cmd_mm2_down() {
  if [ "${1:-}" = --now ] && pid_alive "$MM2_DIR/mm2.pid"; then
    # A clean stop waits for the unreachable source cluster's timeouts (about 10 s); its state is
    # in the target cluster (checkpoints, synced group offsets) already.
    kill -KILL "$(cat "$MM2_DIR/mm2.pid")"
    rm -f "$MM2_DIR/mm2.pid"
    log "MirrorMaker 2 killed"
    return
  fi
  stop_pidfile "MirrorMaker 2" "$MM2_DIR/mm2.pid"
}

# Every server process of the region, from the pid files infra.sh and this script wrote.
region_pids() {
  local pid
  pid=$(head -1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "$pid"
    pgrep -P "$pid" || true
  fi
  for file in "$REDIS_DIR/redis.pid" "$KAFKA_DIR/kafka.pid" "$CH_DIR/clickhouse.pid" "$MONGO_DIR/ferretdb.pid" "$MM2_DIR/mm2.pid"; do
    if pid_alive "$file"; then cat "$file"; fi
  done
}

cmd_kill() {
  local pids
  pids=$(region_pids | tr '\n' ' ')
  [ -n "${pids// /}" ] || { log "nothing of the region runs"; return; }
  # shellcheck disable=SC2086 # one word per pid
  kill -KILL $pids 2>/dev/null || true
  log "SIGKILL sent to $(wc -w <<<"$pids") processes of $INFRA_HOME"
}

cmd_wipe() {
  case "$1" in
    kafka) pid_alive "$KAFKA_DIR/kafka.pid" && die "kafka runs: stop it first"; rm -rf "$KAFKA_DIR/data" ;;
    clickhouse) pid_alive "$CH_DIR/clickhouse.pid" && die "clickhouse runs: stop it first"; rm -rf "$CH_DIR/data" ;;
    *) die "wipe kafka|clickhouse" ;;
  esac
  log "$1 data deleted in $INFRA_HOME"
}

region_main() {
  local cmd=${1:-}; shift || true
  case "$cmd" in
    standby) cmd_standby "$@" ;;
    promote) cmd_promote ;;
    rewind) cmd_rewind "$@" ;;
    mm2-up) cmd_mm2_up "$@" ;;
    mm2-down) cmd_mm2_down "$@" ;;
    kill) cmd_kill ;;
    wipe) cmd_wipe "$@" ;;
    *) die "usage: region.sh standby|promote|rewind|mm2-up|mm2-down|kill|wipe (see the header)" ;;
  esac
}

region_main "$@"
