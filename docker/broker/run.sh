#!/bin/bash
# Formats a fresh KRaft log directory and runs the broker in the foreground on loopback.
# KAFKA_PORT (client listener) and KAFKA_CONTROLLER_PORT are required: with host networking the caller picks free ports.
set -euo pipefail
: "${KAFKA_PORT:?KAFKA_PORT (client listener port on loopback) is required}"
: "${KAFKA_CONTROLLER_PORT:?KAFKA_CONTROLLER_PORT is required}"
HOST=${KAFKA_HOST:-localhost}
DATA=${KAFKA_DATA:-/tmp/kafka-data}
mkdir -p "$DATA"
cat > /tmp/server.properties <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://${HOST}:${KAFKA_PORT},CONTROLLER://${HOST}:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${HOST}:${KAFKA_PORT}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${DATA}
num.partitions=${KAFKA_PARTITIONS:-4}
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
JOPTS=(-Xms128m -Xmx${KAFKA_HEAP:-512m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "/opt/kafka/libs/*")
java "${JOPTS[@]}" kafka.tools.StorageTool format -t "${KAFKA_CLUSTER_ID:-MkU3OEVBNTcwNTJENDM2Qk}" -c /tmp/server.properties
echo "kafka-broker: starting on ${HOST}:${KAFKA_PORT} (controller ${KAFKA_CONTROLLER_PORT})"
exec java "${JOPTS[@]}" kafka.Kafka /tmp/server.properties
