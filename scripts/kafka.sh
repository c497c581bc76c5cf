#!/usr/bin/env bash
# A real Apache Kafka broker for tests and developers, with nothing but Java 17 and Maven:
# fetches the broker's jars from Maven Central (org.apache.kafka:kafka_2.13 and its dependencies)
# into a cache dir, formats KRaft storage and runs one combined broker+controller on 127.0.0.1.
#
#   scripts/kafka.sh fetch          download the jars (once; cached)
#   scripts/kafka.sh start          start in the background, wait until it takes connections
#   scripts/kafka.sh halt           stop it by pid, keeping its data (start brings it back as it was)
#   scripts/kafka.sh stop           stop it by pid and remove its data
#   scripts/kafka.sh freeze|thaw    SIGSTOP / SIGCONT it: connections stay open, nothing is answered
#   scripts/kafka.sh run -- CMD...  start, run CMD with KAFKA_BROKERS set, stop; exits with CMD's code
#
# KAFKA_PORT (default 19092), KAFKA_VERSION (default 3.9.1), KAFKA_HOME (default ~/.cache/cinemaabyss/kafka: caches live outside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/background-server.sh
. scripts/lib/background-server.sh

VERSION="${KAFKA_VERSION:-3.9.1}"
HOME_DIR="$(realpath -m "${KAFKA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/cinemaabyss/kafka}")"
LIBS="$HOME_DIR/libs-$VERSION"
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="$((PORT + 1))"
RUN_DIR="$HOME_DIR/run-$PORT"
PID_FILE="$RUN_DIR/kafka.pid"

fetch() {
  if [ -f "$LIBS/.complete" ]; then return; fi
  mkdir -p "$HOME_DIR"
  local pom="$HOME_DIR/pom-$VERSION.xml"
  cat > "$pom" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>cinemaabyss</groupId><artifactId>kafka-broker-jars</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  echo "fetching Kafka $VERSION jars with Maven into $LIBS" >&2
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" >&2
  touch "$LIBS/.complete"
}

java_cmd() {
  local log4j="$RUN_DIR/log4j.properties"
  java -Xms256m -Xmx512m -XX:+UseG1GC -Dlog4j.configuration="file:$log4j" -cp "$LIBS/*" "$@"
}

is_up() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

start() {
  fetch
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "Kafka already running on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))" >&2
    return
  fi
  if [ -f "$RUN_DIR/data/meta.properties" ]; then
    echo "restarting Kafka on 127.0.0.1:$PORT with its data" >&2
  else
    rm -rf "$RUN_DIR"
    mkdir -p "$RUN_DIR/data"
    write_config
    java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" -c "$RUN_DIR/server.properties" >/dev/null
  fi
  launch
}

write_config() {
  cat > "$RUN_DIR/log4j.properties" <<'LOG'
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
LOG
  sed -i "s#\${kafka.logs.dir}#$RUN_DIR#" "$RUN_DIR/log4j.properties"
  cat > "$RUN_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$RUN_DIR/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
}

launch() {
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Dkafka.logs.dir="$RUN_DIR" -Dlog4j.configuration="file:$RUN_DIR/log4j.properties" \
    -cp "$LIBS/*" kafka.Kafka "$RUN_DIR/server.properties" >"$RUN_DIR/stdout.log" 2>&1 &
  echo $! > "$PID_FILE"
  wait_until_up Kafka "$PID_FILE" 90 0.5 halt "$RUN_DIR/server.log" "$RUN_DIR/stdout.log"
  echo "Kafka $VERSION ready on 127.0.0.1:$PORT in $WAITED_SECONDS s (pid $(cat "$PID_FILE"))" >&2
}

halt() {
  stop_by_pid "$PID_FILE" 60 0.5
}

stop() {
  halt
  rm -rf "$RUN_DIR"
}

signal() {
  [ -f "$PID_FILE" ] || { echo "Kafka is not running (no $PID_FILE)" >&2; exit 1; }
  kill "-$1" "$(cat "$PID_FILE")"
}

case "${1:-}" in
  fetch) fetch ;;
  freeze) signal STOP ;;
  thaw) signal CONT ;;
  start) start ;;
  halt) halt ;;
  stop) stop ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    start
    trap stop EXIT
    KAFKA_BROKERS="127.0.0.1:$PORT" KAFKA_SCRIPT="$PWD/scripts/kafka.sh" KAFKA_PORT="$PORT" "$@"
    ;;
  *) echo "usage: scripts/kafka.sh fetch|start|halt|stop|freeze|thaw|run -- CMD..." >&2; exit 2 ;;
esac
