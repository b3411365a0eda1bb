#!/usr/bin/env bash
# A first step towards the failover drill (docs/scaling.md, "RPO and RTO"), PostgreSQL only: a
# primary ("region A") and a streaming replica ("region B") run natively from the Debian PostgreSQL
# binaries infra.sh installs, then
#   1. the standby is made with pg_basebackup -R -X stream -S <slot> -C and replication is checked;
#   2. rows are written at a steady rate while replication lag (time and bytes) is sampled;
#   3. the primary's postmaster and children are SIGKILLed under load, the standby is promoted, and
#      the script measures kill -> first accepted write, and rows acknowledged vs rows kept (RPO);
#   4. the old primary is pg_rewound and brought back as a standby of the new one (failback).
# Everything lives under $SCOUT_DIR and both servers are stopped at the end, even on failure.
#   bash tools/drill/pg-replica-scout.sh
#   SCOUT_RATE=500 SCOUT_KILL_AFTER_S=3 bash tools/drill/pg-replica-scout.sh
#   SCOUT_SYNC=1 bash tools/drill/pg-replica-scout.sh   # synchronous replication to region B
#   SCOUT_STALL_MS=1000 bash tools/drill/pg-replica-scout.sh   # B's WAL receiver frozen 1 s before the kill
# Needs root (servers run as the `postgres` user, like infra.sh) or a user that owns SCOUT_DIR,
# and node with the repo's node_modules (the `pg` client) for the writer.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCOUT_DIR=${SCOUT_DIR:-/tmp/pg-scout}
PORT_A=${SCOUT_PORT_A:-15432}
PORT_B=${SCOUT_PORT_B:-15433}
RATE=${SCOUT_RATE:-200}              # inserts per second, one row per transaction
LOAD_S=${SCOUT_LOAD_S:-10}           # length of the lag measurement
KILL_AFTER_S=${SCOUT_KILL_AFTER_S:-5} # load time before the primary is killed
SYNC=${SCOUT_SYNC:-0}                # 1: synchronous_standby_names = region_b on the primary
STALL_MS=${SCOUT_STALL_MS:-0}        # SIGSTOP region B's walreceiver this long before the kill
SUPERUSER_PASSWORD=scout
REPL_USER=replicator
REPL_PASSWORD=scout-repl
SLOT_B=region_b
SLOT_A=region_a
RUN_DIR="$SCOUT_DIR/run"
DATA_A="$SCOUT_DIR/region-a"
DATA_B="$SCOUT_DIR/region-b"

log() { printf '[scout %s] %s\n' "$(date +%T.%3N)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
now_ms() { date +%s%3N; }

bin=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -1 || true)
[ -n "$bin" ] || die "no /usr/lib/postgresql/*/bin: install PostgreSQL first (bash tools/infra/infra.sh up postgres installs it)"
command -v node >/dev/null || die "node is not on PATH (the writer uses the repo's pg client)"
[ -d "$ROOT/node_modules/pg" ] || die "$ROOT/node_modules/pg is missing: run npm ci"

# Postgres refuses to run as root: as root everything runs as the `postgres` system user.
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }
# psql over the socket directory, as the superuser: psql_at <port> <sql>
psql_at() { as_pg "$bin/psql" -h "$RUN_DIR" -p "$1" -U postgres -d drill -XtAq -v ON_ERROR_STOP=1 -c "$2"; }
# pg_ctl start with the per-region port; config files are shared by copy, so the port stays a flag.
start_pg() {
  as_pg "$bin/pg_ctl" -D "$1" -l "$1.log" -w -t 60 start \
    -o "-p $2 -c listen_addresses=127.0.0.1 -k $RUN_DIR" >/dev/null || die "postgres on port $2 did not start; see $1.log"
}
postmaster_pid() { head -1 "$1/postmaster.pid" 2>/dev/null || true; }

# Stops both servers. After the SIGKILL, region A's postmaster.pid is stale until A restarts:
# pg_ctl would signal whatever process got that pid since, so only a pid that is postgres counts.
stop_all() {
  local d pid
  for d in "$DATA_A" "$DATA_B"; do
    pid=$(postmaster_pid "$d")
    [ -n "$pid" ] && [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = postgres ] || continue
    as_pg "$bin/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
  done
  if [ -n "${SAMPLER_PID:-}" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
}
trap stop_all EXIT

# Writes one row per transaction at $RATE/s on the primary until $2 seconds pass or the connection
# dies; prints a JSON summary: lastAcked is the highest id the server acknowledged (ids go up by one,
# each awaited, so 1..lastAcked is exactly the acknowledged set).
run_writer() {
  NODE_PATH="$ROOT/node_modules" node - "$1" "$2" "$RATE" <<'JS'
const { Client } = require('pg');
const [port, seconds, rate] = process.argv.slice(2).map(Number);
(async () => {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password: 'scout', database: 'drill' });
  client.on('error', () => {}); // the kill surfaces as a failed query below
  await client.connect();
  const { rows } = await client.query('SELECT coalesce(max(id), 0)::int AS max FROM drill');
  const first = rows[0].max + 1;
  const start = Date.now();
  let lastAcked = first - 1;
  let error = null;
  for (let id = first; Date.now() - start < seconds * 1000; id++) {
    const due = start + ((id - first) * 1000) / rate;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    try {
      await client.query('INSERT INTO drill (id) VALUES ($1)', [id]);
      lastAcked = id;
    } catch (e) {
      error = e.code || e.message;
      break;
    }
  }
  const elapsedMs = Date.now() - start;
  console.log(JSON.stringify({ first, lastAcked, acked: lastAcked - first + 1, elapsedMs, error }));
  await client.end().catch(() => {});
})();
JS
}

# Samples lag every 0.5 s until killed: epoch ms, replay age on the standby (s), bytes between the
# primary's current WAL position and the standby's replay position, replay_lag the primary reports.
sample_lag() {
  while true; do
    local age bytes
    age=$(psql_at "$PORT_B" "SELECT coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), -1)" 2>/dev/null || echo NA)
    bytes=$(psql_at "$PORT_A" "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) || ' ' || coalesce(extract(epoch FROM replay_lag)::text, '0') FROM pg_stat_replication WHERE application_name = 'region_b'" 2>/dev/null || echo 'NA NA')
    echo "$(now_ms) $age $bytes"
    sleep 0.5
  done
}

# --- 0. a clean slate ------------------------------------------------------------------------------
for d in "$DATA_A" "$DATA_B"; do
  if [ -d "$d" ] && as_pg "$bin/pg_ctl" -D "$d" status >/dev/null 2>&1; then
    die "a scout server still runs in $d; stop it first: pg_ctl -D $d stop"
  fi
done
rm -rf "$SCOUT_DIR"
mkdir -p "$RUN_DIR"
if is_root; then chown -R postgres:postgres "$SCOUT_DIR"; fi
log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') from $bin, data under $SCOUT_DIR"

# --- 1. primary (region A) -------------------------------------------------------------------------
pwfile="$SCOUT_DIR/pw"
printf '%s\n' "$SUPERUSER_PASSWORD" >"$pwfile"
if is_root; then chown postgres:postgres "$pwfile"; fi
# wal_log_hints (or --data-checksums) is what lets pg_rewind turn the old primary into a standby.
as_pg "$bin/initdb" -D "$DATA_A" -U postgres --pwfile="$pwfile" --auth-host=scram-sha-256 \
  --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$SCOUT_DIR/initdb.log"
cat >>"$DATA_A/postgresql.conf" <<CONF
# --- pg-replica-scout ---
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
wal_log_hints = on
CONF
printf 'host replication %s 127.0.0.1/32 scram-sha-256\n' "$REPL_USER" >>"$DATA_A/pg_hba.conf"
start_pg "$DATA_A" "$PORT_A"
as_pg "$bin/psql" -h "$RUN_DIR" -p "$PORT_A" -U postgres -XqAt -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE $REPL_USER WITH REPLICATION LOGIN PASSWORD '$REPL_PASSWORD'" -c "CREATE DATABASE drill"
psql_at "$PORT_A" "CREATE TABLE drill (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"
log "region A primary up on 127.0.0.1:$PORT_A"

# --- 1b. standby (region B) ------------------------------------------------------------------------
t0=$(now_ms)
as_pg env PGPASSWORD="$REPL_PASSWORD" "$bin/pg_basebackup" -D "$DATA_B" \
  -d "host=127.0.0.1 port=$PORT_A user=$REPL_USER application_name=$SLOT_B" \
  -R -X stream -S "$SLOT_B" -C -c fast
log "pg_basebackup took $(($(now_ms) - t0)) ms; it wrote standby.signal and primary_conninfo:"
grep -E '^primary_(conninfo|slot_name)' "$DATA_B/postgresql.auto.conf" | sed "s/password=[^ ']*/password=***/" >&2
start_pg "$DATA_B" "$PORT_B"
for _ in $(seq 1 50); do
  [ "$(psql_at "$PORT_A" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
  sleep 0.2
done
log "primary pg_stat_replication: $(psql_at "$PORT_A" "SELECT application_name || ' ' || state || ' sync=' || sync_state FROM pg_stat_replication")"
log "standby pg_is_in_recovery(): $(psql_at "$PORT_B" "SELECT pg_is_in_recovery()")"
[ "$(psql_at "$PORT_B" "SELECT pg_is_in_recovery()")" = t ] || die "region B is not a standby"
if [ "$SYNC" = 1 ]; then
  # A commit is acknowledged only once region B has flushed it (synchronous_commit = on, default):
  # no acknowledged row can be lost at failover, at the price of a round trip per commit, and
  # writes on A hang while B is down unless synchronous_standby_names is emptied.
  psql_at "$PORT_A" "ALTER SYSTEM SET synchronous_standby_names = '$SLOT_B'"
  psql_at "$PORT_A" "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  log "synchronous replication: $(psql_at "$PORT_A" "SELECT application_name || ' sync=' || sync_state FROM pg_stat_replication")"
fi

# --- 2. lag under steady load ----------------------------------------------------------------------
lagfile="$SCOUT_DIR/lag.txt"
sample_lag >"$lagfile" &
SAMPLER_PID=$!
log "writing $RATE rows/s for $LOAD_S s on region A"
writer_summary=$(run_writer "$PORT_A" "$LOAD_S")
kill "$SAMPLER_PID" && wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=
log "writer: $writer_summary"
awk '$2 != "NA" && $2 >= 0 { n++; a += $2; if ($2 > ma) ma = $2 }
     $3 != "NA" { m++; b += $3; if ($3 > mb) mb = $3; if ($4 > mr) mr = $4 }
     END { printf "lag samples=%d  replay age avg=%.1f ms max=%.1f ms | WAL bytes behind avg=%.0f max=%.0f | pg_stat_replication replay_lag max=%.1f ms\n",
           n, n ? a / n * 1000 : 0, ma * 1000, m ? b / m : 0, mb, mr * 1000 }' "$lagfile" >&2
log "rows on A: $(psql_at "$PORT_A" "SELECT count(*) FROM drill")  rows on B: $(psql_at "$PORT_B" "SELECT count(*) FROM drill")"

# --- 3. failover: SIGKILL the primary under load, promote the standby --------------------------------
log "writing $RATE rows/s again; SIGKILL of region A after $KILL_AFTER_S s"
run_writer "$PORT_A" 3600 >"$SCOUT_DIR/writer-failover.json" &
writer_pid=$!
stall_pid=
if [ "$STALL_MS" -gt 0 ]; then
  # A slow inter-region link, played by freezing the standby's WAL receiver: async commits go on
  # being acknowledged on A and are lost at the kill; sync commits wait instead. At the kill the
  # receiver gets SIGTERM before SIGCONT: a plain SIGCONT would still read the WAL the kernel had
  # buffered in its socket, and nothing would be lost.
  sleep "$(awk -v k="$KILL_AFTER_S" -v s="$STALL_MS" 'BEGIN { print (k * 1000 > s ? k - s / 1000 : 0) }')"
  stall_pid=$(psql_at "$PORT_B" "SELECT pid FROM pg_stat_wal_receiver")
  kill -STOP "$stall_pid"
  sleep "$(awk -v s="$STALL_MS" 'BEGIN { print s / 1000 }')"
else
  sleep "$KILL_AFTER_S"
fi
pid_a=$(postmaster_pid "$DATA_A")
children=$(pgrep -P "$pid_a" | tr '\n' ' ' || true)
t_kill=$(now_ms)
# shellcheck disable=SC2086 # one word per child pid
kill -KILL "$pid_a" $children
if [ -n "$stall_pid" ]; then kill -TERM "$stall_pid" && kill -CONT "$stall_pid"; fi
wait "$writer_pid" || true
log "writer: $(cat "$SCOUT_DIR/writer-failover.json")"
as_pg "$bin/pg_ctl" -D "$DATA_B" -w -t 60 promote >/dev/null
t_promoted=$(now_ms)
until psql_at "$PORT_B" "INSERT INTO drill (id) VALUES (-1)" 2>/dev/null; do sleep 0.05; done
t_writable=$(now_ms)
log "kill -> promote returned: $((t_promoted - t_kill)) ms; kill -> first write accepted on B: $((t_writable - t_kill)) ms"
last_acked=$(node -p "JSON.parse(require('fs').readFileSync('$SCOUT_DIR/writer-failover.json','utf8')).lastAcked")
read -r kept beyond < <(psql_at "$PORT_B" "SELECT count(*) FILTER (WHERE id BETWEEN 1 AND $last_acked), count(*) FILTER (WHERE id > $last_acked) FROM drill" | tr '|' ' ')
log "RPO: acknowledged on A=$last_acked rows, present on promoted B=$kept, lost=$((last_acked - kept)), unacknowledged but kept=$beyond"
# pg_control_checkpoint() still says timeline 1 until the post-promotion checkpoint; the WAL file
# name of the insert position shows the new timeline at once.
log "B timeline after promotion: $(psql_at "$PORT_B" "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)::int")"

# A SIGKILLed postmaster can linger as a zombie for a moment; postgres --single (run by pg_rewind)
# refuses to start while the pid in postmaster.pid answers kill -0.
for _ in $(seq 1 100); do
  kill -0 "$pid_a" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid_a" 2>/dev/null && die "region A's postmaster $pid_a is still alive 10 s after SIGKILL"
log "region A's postmaster gone $(($(now_ms) - t_kill)) ms after the kill"

# --- 4. failback: rewind the old primary and follow region B ------------------------------------------
# The promoted server writes its new timeline into pg_control only at the checkpoint that follows
# promotion; pg_rewind reads it from there, so without this CHECKPOINT it says "same timeline, no
# rewind required", and region A (whose crash recovery has by then written WAL past the fork point)
# then never streams: "new timeline 2 forked off current database system timeline 1 before current
# recovery point".
psql_at "$PORT_B" "CHECKPOINT"
# pg_rewind needs the source's superuser (or a role granted pg_read_binary_file & co.) over libpq and
# the target stopped; since PG 13 it runs crash recovery on a target that was killed.
t0=$(now_ms)
as_pg env PGPASSWORD="$SUPERUSER_PASSWORD" "$bin/pg_rewind" --target-pgdata="$DATA_A" \
  --source-server="host=127.0.0.1 port=$PORT_B user=postgres dbname=postgres" --progress >"$SCOUT_DIR/rewind.log" 2>&1 \
  || die "pg_rewind failed; see $SCOUT_DIR/rewind.log"
log "pg_rewind took $(($(now_ms) - t0)) ms: $(grep -E 'servers diverged|Done' "$SCOUT_DIR/rewind.log" | tr '\n' ' ')"
psql_at "$PORT_B" "SELECT pg_create_physical_replication_slot('$SLOT_A')" >/dev/null
# pg_rewind copied region B's config files over A's, primary_conninfo pointing at A itself included;
# the last setting in the file wins.
cat >>"$DATA_A/postgresql.auto.conf" <<CONF
primary_conninfo = 'host=127.0.0.1 port=$PORT_B user=$REPL_USER password=$REPL_PASSWORD application_name=$SLOT_A'
primary_slot_name = '$SLOT_A'
CONF
as_pg touch "$DATA_A/standby.signal"
start_pg "$DATA_A" "$PORT_A"
for _ in $(seq 1 50); do
  [ "$(psql_at "$PORT_B" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
  sleep 0.2
done
log "new primary B pg_stat_replication: $(psql_at "$PORT_B" "SELECT application_name || ' ' || state FROM pg_stat_replication")"
[ "$(psql_at "$PORT_B" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] \
  || die "region A does not stream from region B after the rewind; see $DATA_A.log"
log "old primary A pg_is_in_recovery(): $(psql_at "$PORT_A" "SELECT pg_is_in_recovery()")  rows on A: $(psql_at "$PORT_A" "SELECT count(*) FROM drill")  on B: $(psql_at "$PORT_B" "SELECT count(*) FROM drill")"

log "done; stopping both servers"
