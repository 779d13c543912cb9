#!/usr/bin/env bash
# Starts a broker as apache/kafka does: every KAFKA_FOO_BAR variable becomes the setting foo.bar (___ -> '-',
# __ -> '_'), the log dir is formatted once with CLUSTER_ID, then kafka.Kafka runs in the foreground.
set -euo pipefail
config=/opt/kafka/config/server.properties
mkdir -p "$(dirname "$config")"
: > "$config"
while IFS='=' read -r name value; do
  case $name in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS | KAFKA_VERSION) continue ;;
    KAFKA_*)
      key=${name#KAFKA_}
      key=${key,,}
      key=${key//___/-}
      key=${key//__/@}
      key=${key//_/.}
      key=${key//@/_}
      printf '%s=%s\n' "$key" "$value" >> "$config"
      ;;
  esac
done < <(env)
: "${CLUSTER_ID:?CLUSTER_ID is required to format the log dir}"
cp=/opt/kafka/libs/*
java -cp "$cp" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$config" --ignore-formatted
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -cp "$cp" kafka.Kafka "$config"
