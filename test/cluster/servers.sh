# shellcheck shell=bash
# How each server of the local control plane is started and how we know it is ready.
# Each start_* is only called when that server is not already running.

start_etcd() {
  mkdir -p "$STATE_DIR/etcd/data"
  # --unsafe-no-fsync: this etcd holds throw-away test state, and fsync on every write
  # is what makes a local API server feel slow; never use it for data you keep.
  start_process etcd "$BIN_DIR/etcd" "$BIN_DIR/etcd" \
    --name local --data-dir "$STATE_DIR/etcd/data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT" \
    --listen-metrics-urls "" --unsafe-no-fsync --log-level warn
}
etcd_ready() { curl -fsS "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }

start_apiserver() {
  start_process kube-apiserver "$BIN_DIR/kube-apiserver" "$BIN_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$HOST_FOR_PODS" --advertise-address "$HOST_FOR_PODS" --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$PKI_DIR/apiserver.crt" --tls-private-key-file "$PKI_DIR/apiserver.key" \
    --client-ca-file "$PKI_DIR/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI_DIR/sa.pub" \
    --service-account-signing-key-file "$PKI_DIR/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --allow-privileged=true \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --kubelet-preferred-address-types InternalIP \
    --kubelet-certificate-authority "$PKI_DIR/ca.crt" \
    --kubelet-client-certificate "$PKI_DIR/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI_DIR/apiserver-kubelet-client.key" \
    --cert-dir "$STATE_DIR/kube-apiserver" \
    --v 1
}
apiserver_ready() {
  curl -fsS --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" \
    "https://$HOST_FOR_PODS:$APISERVER_PORT/readyz" | grep -q '^ok$'
}

start_controller_manager() {
  write_kubeconfig "$STATE_DIR/kube-controller-manager.kubeconfig" controller-manager
  # Only one instance runs, so leader election would just add a Lease round trip.
  start_process kube-controller-manager "$BIN_DIR/kube-controller-manager" "$BIN_DIR/kube-controller-manager" \
    --kubeconfig "$STATE_DIR/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE_DIR/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE_DIR/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" \
    --leader-elect=false \
    --service-account-private-key-file "$PKI_DIR/sa.key" \
    --root-ca-file "$PKI_DIR/ca.crt" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file "$PKI_DIR/ca.crt" --cluster-signing-key-file "$PKI_DIR/ca.key" \
    --v 1
}
controller_manager_ready() { curl -fsSk "https://127.0.0.1:$KCM_PORT/healthz" | grep -q '^ok$'; }

# A KRaft cluster id is 16 random bytes in URL-safe base64 without padding. It may begin
# with "-", so it is passed as --cluster-id=<id>, never as a separate argument.
kafka_cluster_id() { head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22; }

start_kafka() {
  local dir="$STATE_DIR/kafka"
  mkdir -p "$dir"
  sed -e "s|@KAFKA_HOST@|$HOST_FOR_PODS|g; s|@KAFKA_PORT@|$KAFKA_PORT|g; s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g; s|@DATA_DIR@|$dir/data|g" \
    "$CLUSTER_DIR/kafka/server.properties.in" >"$dir/server.properties"
  if [ ! -f "$dir/data/meta.properties" ]; then
    # KRaft needs its log directory formatted with a cluster id before the first start.
    java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$CLUSTER_DIR/kafka/log4j.properties" \
      kafka.tools.StorageTool format --ignore-formatted --cluster-id="$(kafka_cluster_id)" \
      -c "$dir/server.properties" >"$dir/format.log" 2>&1 ||
      { cat "$dir/format.log" >&2; fail "formatting Kafka's storage failed." "remove $dir and rerun 'npm run cluster:up'."; }
  fi
  start_process kafka "$dir/server.properties" java -Xms256m -Xmx512m \
    -Dlog4j.configuration="file:$CLUSTER_DIR/kafka/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties"
}
# The broker accepts connections only after it has joined the KRaft quorum.
kafka_ready() { port_open "$KAFKA_PORT" "$HOST_FOR_PODS" && grep -q 'Kafka Server started' "$(log_file kafka)"; }

start_nats() {
  mkdir -p "$STATE_DIR/nats/jetstream"
  start_process nats nats-server nats-server -a "$HOST_FOR_PODS" -p "$NATS_PORT" \
    -m "$NATS_MONITOR_PORT" --jetstream --store_dir "$STATE_DIR/nats/jetstream"
}
# The monitoring port listens on the client address (-a).
nats_ready() { curl -fsS "http://$HOST_FOR_PODS:$NATS_MONITOR_PORT/healthz?js-enabled-only=true" | grep -q ok; }

# Protected mode refuses every address but loopback; this one is the private node network.
start_redis() {
  mkdir -p "$STATE_DIR/redis"
  start_process redis redis-server redis-server \
    --bind "$HOST_FOR_PODS" --protected-mode no --port "$REDIS_PORT" --dir "$STATE_DIR/redis" --save "" --appendonly no
}
redis_ready() { redis-cli -h "$HOST_FOR_PODS" -p "$REDIS_PORT" ping | grep -q PONG; }
