#!/usr/bin/env bash
# Scouting prototype for the two-region failover drill, all on this host with the system JDK:
# two single-node KRaft clusters (region A, region B) from the broker jars tools/infra already
# resolves, MirrorMaker 2 in dedicated mode mirroring A into B under the same topic names, then
# tools/drill/mm2/verify.cjs: keyed records and a consumer group's offsets must arrive in B.
# Everything lives under $MM2_SCOUT_DIR and is stopped on exit (also on failure or Ctrl-C).
#
#   bash tools/drill/mm2-scout.sh            run the drill, print measurements, tear down
#   MM2_SCOUT_KEEP=1 bash tools/drill/...    leave the three JVMs running (their pids in the dir)
#
# Ports (loopback): A 19092 (controller 19093), B 19192 (controller 19193); env overrides below.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tools/drill/mm2"
WORK=${MM2_SCOUT_DIR:-/tmp/mm2-scout}
A_PORT=${MM2_A_PORT:-19092}
A_CONTROLLER_PORT=${MM2_A_CONTROLLER_PORT:-19093}
B_PORT=${MM2_B_PORT:-19192}
B_CONTROLLER_PORT=${MM2_B_CONTROLLER_PORT:-19193}
# shellcheck disable=SC2034 # read by render, through ${!key}
TOPICS=${MM2_TOPICS:-'order\.events.*|identity\.events.*'}
# Seconds between MM2's checkpoints, group offset syncs and topic/group refreshes.
# shellcheck disable=SC2034 # read by render, through ${!key}
INTERVAL_S=${MM2_INTERVAL_S:-1}
N=${MM2_N:-1000}
HEAP_MB=${MM2_HEAP_MB:-512}
# MirrorMaker 2 itself: a few connectors and one task each, 256 MB of heap is plenty.
MM2_HEAP_MB=${MM2_MM2_HEAP_MB:-256}
READY_TIMEOUT_S=${MM2_READY_TIMEOUT_S:-120}
# The broker's jars: the ones `infra.sh up kafka` resolved, else resolved here the same way.
BROKER_LIBS=${MM2_BROKER_LIBS:-"${INFRA_HOME:-"$ROOT/.infra"}/kafka/libs"}
MM2_LIBS="$WORK/mm2-libs"
NODE_DIR=$(compgen -G "$ROOT/.infra/tools/node-*/bin" | sort -V | tail -1 || true)

log() { printf '[mm2-scout] %s\n' "$*" >&2; }
die() { printf '[mm2-scout] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until <timeout-s> <command...>: bounded poll; prints the seconds it took.
wait_until() {
  local timeout=$1; shift
  local start; start=$(date +%s.%N)
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.2
  done
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
}

# Render a template: every @KEY@ becomes the value of the named shell variable.
render() {
  local src=$1 dst=$2; shift 2
  local content
  content=$(<"$src")
  for key in "$@"; do content=${content//@$key@/${!key}}; done
  printf '%s\n' "$content" >"$dst"
}

rss_mb() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

# Stops the JVMs whose pid files this script wrote, and only those.
teardown() {
  local pidfile pid
  if [ "${MM2_SCOUT_KEEP:-0}" = 1 ]; then log "MM2_SCOUT_KEEP=1: leaving the JVMs running (pids in $WORK/*.pid)"; return; fi
  for pidfile in "$WORK/mm2.pid" "$WORK/b/kafka.pid" "$WORK/a/kafka.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(<"$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    fi
    rm -f "$pidfile"
  done
  log "stopped region A, region B and MirrorMaker 2"
}

# Copies the runtime jars of a pom into a directory once per pom content.
resolve_jars() {
  local pom=$1 dest=$2 stamp
  stamp=$(sha256sum "$pom" | cut -c1-16)
  if [ "$(cat "$dest.stamp" 2>/dev/null)" = "$stamp" ]; then return; fi
  log "resolving $(basename "$(dirname "$pom")")/$(basename "$pom") with Maven into $dest"
  rm -rf "$dest"
  mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dest" \
    >"$dest.mvn.log" 2>&1 || die "Maven could not resolve $pom; see $dest.mvn.log"
  echo "$stamp" >"$dest.stamp"
}

# start_region <name> <port> <controller-port>: a fresh single-node KRaft cluster in $WORK/<name>.
start_region() {
  local name=$1 PORT=$2 CONTROLLER_PORT=$3
  # shellcheck disable=SC2034 # read by render, through ${!key} (no proxied listener here)
  local DIR="$WORK/$name" PROXIED_LISTENER='' PROXIED_ADVERTISED='' PROXIED_PROTOCOL=''
  local java=(java -Xms128m -Xmx"${HEAP_MB}"m -XX:+UseG1GC -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$ROOT/tools/infra/kafka/log4j2.properties" -cp "$BROKER_LIBS/*")
  port_open "$PORT" && die "region $name: 127.0.0.1:$PORT is taken (MM2_${name^^}_PORT=<port> to move it)"
  port_open "$CONTROLLER_PORT" && die "region $name: 127.0.0.1:$CONTROLLER_PORT is taken"
  rm -rf "$DIR" && mkdir -p "$DIR"
  render "$ROOT/tools/infra/kafka/server.properties.tmpl" "$DIR/server.properties" DIR PORT CONTROLLER_PORT \
    PROXIED_LISTENER PROXIED_ADVERTISED PROXIED_PROTOCOL
  local cluster_id; cluster_id=$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  "${java[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" >"$DIR/format.log" 2>&1 \
    || die "formatting region $name failed; see $DIR/format.log"
  "${java[@]}" kafka.Kafka "$DIR/server.properties" >"$DIR/kafka.log" 2>&1 </dev/null &
  echo $! >"$DIR/kafka.pid"
}

region_ready() { port_open "$2" && grep -q "Kafka Server started" "$WORK/$1/kafka.log"; }

# kafka-topics from the MM2 classpath (kafka-tools), against one region.
topics() { java -Xmx128m -cp "$MM2_LIBS/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" org.apache.kafka.tools.TopicCommand "$@"; }

main() {
  command -v java >/dev/null || die "no java on PATH (JDK 17 expected)"
  command -v mvn >/dev/null || die "no mvn on PATH"
  [ -n "$NODE_DIR" ] || command -v node >/dev/null || die "no node: run npm run infra:up once, or put node on PATH"
  [ -z "$NODE_DIR" ] || PATH="$NODE_DIR:$PATH"
  mkdir -p "$WORK"
  trap teardown EXIT

  if ! compgen -G "$BROKER_LIBS/kafka_2.13-*.jar" >/dev/null; then
    BROKER_LIBS="$WORK/broker-libs"
    resolve_jars "$ROOT/tools/infra/kafka/pom.xml" "$BROKER_LIBS"
  fi
  resolve_jars "$HERE/pom.xml" "$MM2_LIBS"

  log "starting region A on 127.0.0.1:$A_PORT and region B on 127.0.0.1:$B_PORT"
  start_region a "$A_PORT" "$A_CONTROLLER_PORT"
  start_region b "$B_PORT" "$B_CONTROLLER_PORT"
  local t_a t_b t_mm2 t_topic
  t_a=$(wait_until "$READY_TIMEOUT_S" region_ready a "$A_PORT") || die "region A not ready; see $WORK/a/kafka.log"
  t_b=$(wait_until "$READY_TIMEOUT_S" region_ready b "$B_PORT") || die "region B not ready; see $WORK/b/kafka.log"
  log "region A ready after ${t_a}s, region B after ${t_b}s (counted from both launches)"

  # The topic exists in A before MM2 starts, as in production; MM2 creates it in B.
  topics --bootstrap-server "127.0.0.1:$A_PORT" --create --topic order.events --partitions 3 --replication-factor 1 >/dev/null

  render "$HERE/mm2.properties.tmpl" "$WORK/mm2.properties" A_PORT B_PORT TOPICS INTERVAL_S
  log "starting MirrorMaker 2 (dedicated mode, $WORK/mm2.properties)"
  : >"$WORK/mm2.log" # before the launch, so the readiness check never sees the last run's log
  java -Xms128m -Xmx"${MM2_HEAP_MB}"m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$HERE/log4j2.properties" -cp "$MM2_LIBS/*" \
    org.apache.kafka.connect.mirror.MirrorMaker "$WORK/mm2.properties" >"$WORK/mm2.log" 2>&1 </dev/null &
  echo $! >"$WORK/mm2.pid"
  t_mm2=$(wait_until "$READY_TIMEOUT_S" grep -q "Kafka MirrorMaker started" "$WORK/mm2.log") \
    || die "MirrorMaker 2 did not start; see $WORK/mm2.log"
  t_topic=$(wait_until "$READY_TIMEOUT_S" topics_in_b) || die "order.events never appeared in B; see $WORK/mm2.log"
  log "MirrorMaker 2 started after ${t_mm2}s; order.events existed in B ${t_topic}s after that"

  log "verifying: $N keyed records and a consumer group's offsets, A -> B"
  local verdict
  verdict=$(A_BROKERS="127.0.0.1:$A_PORT" B_BROKERS="127.0.0.1:$B_PORT" N=$N TIMEOUT_MS=$((READY_TIMEOUT_S * 1000)) \
    NODE_PATH="$ROOT/node_modules" node "$HERE/verify.cjs") || die "verification failed; see $WORK/mm2.log"
  log "RSS: region A $(rss_mb "$(<"$WORK/a/kafka.pid")") MB, region B $(rss_mb "$(<"$WORK/b/kafka.pid")") MB, MirrorMaker 2 $(rss_mb "$(<"$WORK/mm2.pid")") MB (heap caps ${HEAP_MB}/${HEAP_MB}/${MM2_HEAP_MB} MB)"
  printf '%s\n' "$verdict"
  printf '{"startup_s":{"regionA":%s,"regionB":%s,"mm2":%s,"topicInB":%s}}\n' "$t_a" "$t_b" "$t_mm2" "$t_topic"
}

topics_in_b() { topics --bootstrap-server "127.0.0.1:$B_PORT" --list | grep -qx 'order\.events'; }

main "$@"
