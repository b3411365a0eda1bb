#!/usr/bin/env bash
# A three-broker KRaft cluster on loopback for the broker-loss scenario of the fault suite:
#   kafka-cluster.sh up | down | kill <node 1-3> | start <node 1-3> | brokers
# Each node is broker and controller (a quorum of three), from the jars infra.sh resolved into
# $INFRA_HOME/kafka/libs; data, logs and pid files under $INFRA_HOME/kafka-cluster. Ports
# FAULTS_CLUSTER_PORT (default 39092) + 2*(node-1) for clients, the next one for the controller.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
INFRA_HOME=${INFRA_HOME:-"$ROOT/.infra/faults"}
DIR="$INFRA_HOME/kafka-cluster"
LIBS="$INFRA_HOME/kafka/libs"
BASE=${FAULTS_CLUSTER_PORT:-39092}
NODES=(1 2 3)

log() { printf '[kafka-cluster] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
port() { echo $((BASE + 2 * ($1 - 1))); }
controller_port() { echo $(($(port "$1") + 1)); }
voters() { local v=() n; for n in "${NODES[@]}"; do v+=("$n@127.0.0.1:$(controller_port "$n")"); done; (IFS=,; echo "${v[*]}"); }
java_cmd() {
  JAVA=(java -Xms128m -Xmx384m -XX:+UseG1GC -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$ROOT/tools/infra/kafka/log4j2.properties" -cp "$LIBS/*")
}
alive() { [ -f "$DIR/$1/kafka.pid" ] && kill -0 "$(cat "$DIR/$1/kafka.pid")" 2>/dev/null; }
ready() { (exec 3<>"/dev/tcp/127.0.0.1/$(port "$1")") 2>/dev/null && grep -q "Kafka Server started" "$DIR/$1/kafka.log"; }

configure() {
  local n=$1
  mkdir -p "$DIR/$n"
  cat >"$DIR/$n/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(voters)
listeners=PLAINTEXT://127.0.0.1:$(port "$n"),CONTROLLER://127.0.0.1:$(controller_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(port "$n")
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/$n/data
auto.create.topics.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
min.insync.replicas=2
default.replication.factor=3
group.initial.rebalance.delay.ms=0
unclean.leader.election.enable=false
PROPS
}

start_node() {
  local n=$1
  alive "$n" && return 0
  java_cmd
  : >"$DIR/$n/kafka.log"
  "${JAVA[@]}" kafka.Kafka "$DIR/$n/server.properties" >>"$DIR/$n/kafka.log" 2>&1 </dev/null &
  echo $! >"$DIR/$n/kafka.pid"
  disown
}

wait_ready() {
  local n deadline=$((SECONDS + 120))
  for n in "$@"; do
    until ready "$n"; do
      ((SECONDS < deadline)) || die "node $n not ready; see $DIR/$n/kafka.log"
      sleep 0.5
    done
  done
  log "nodes $* answer"
}

up() {
  [ -d "$LIBS" ] || die "no Kafka jars in $LIBS: run tools/infra/infra.sh up kafka with the same INFRA_HOME first"
  java_cmd
  local n cluster_id=""
  for n in "${NODES[@]}"; do configure "$n"; done
  if [ ! -f "$DIR/1/data/meta.properties" ]; then
    cluster_id=$("${JAVA[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    for n in "${NODES[@]}"; do
      "${JAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/$n/server.properties" \
        >"$DIR/$n/format.log" 2>&1 || die "formatting node $n failed; see $DIR/$n/format.log"
    done
  fi
  for n in "${NODES[@]}"; do start_node "$n"; done
  wait_ready "${NODES[@]}"
}

down() {
  # All at once: a node stopped after the others has lost its quorum and would wait in vain.
  local n pids=()
  for n in "${NODES[@]}"; do
    alive "$n" || continue
    pids+=("$(cat "$DIR/$n/kafka.pid")")
    kill -TERM "${pids[-1]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for n in "${NODES[@]}"; do rm -f "$DIR/$n/kafka.pid"; done
  log "stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  kill) alive "$2" && kill -KILL "$(cat "$DIR/$2/kafka.pid")"; log "node $2 killed" ;;
  start) start_node "$2"; wait_ready "$2" ;;
  brokers) b=(); for n in "${NODES[@]}"; do b+=("127.0.0.1:$(port "$n")"); done; (IFS=,; echo "${b[*]}") ;;
  *) die "usage: kafka-cluster.sh up|down|kill <n>|start <n>|brokers" ;;
esac
