#!/bin/bash
# Kafka image entrypoint for the local cluster: the subset of the apache/kafka image's contract the
# chart uses. Every KAFKA_<NAME> variable becomes the property <name> (lower case, _ -> .); the log
# directory is formatted for KRaft on first start.
set -euo pipefail
conf=/tmp/kafka/server.properties
mkdir -p /tmp/kafka
: > "$conf"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_JVM_OPTS) continue ;;
    KAFKA_*) prop=$(echo "${name#KAFKA_}" | tr '[:upper:]_' '[:lower:].'); echo "$prop=$value" >> "$conf" ;;
  esac
done < <(env)
echo "num.partitions=3" >> "$conf"
cat > /tmp/kafka/log4j.properties <<'LOG'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
LOG
java_cmd() {
  # shellcheck disable=SC2086
  exec_prefix=(java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -Dlog4j.configuration=file:/tmp/kafka/log4j.properties -cp "/opt/kafka/libs/*")
  "${exec_prefix[@]}" "$@"
}
logdir=$(sed -n 's/^log.dirs=//p' "$conf")
if [ ! -f "$logdir/meta.properties" ]; then
  java_cmd kafka.tools.StorageTool format -t "${CLUSTER_ID:-$(java_cmd kafka.tools.StorageTool random-uuid)}" -c "$conf"
fi
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -Dlog4j.configuration=file:/tmp/kafka/log4j.properties \
  -cp "/opt/kafka/libs/*" kafka.Kafka "$conf"
