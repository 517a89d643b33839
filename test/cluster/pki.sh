# shellcheck shell=bash
# Certificates and kubeconfigs for the local control plane, made with openssl: a cluster
# CA, the API server's and the kubelet's serving certificates, client certificates for
# the admin (system:masters), the controller manager, the scheduler, the node's parts and
# the API server towards the kubelet, and the service-account key pair.

# issue_cert NAME SUBJECT [SAN]: a key and a CA-signed certificate in $PKI_DIR.
issue_cert() {
  local name=$1 subject=$2 san=${3:-}
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI_DIR/$name.key" \
    -subj "$subject" -out "$PKI_DIR/$name.csr" 2>/dev/null
  local ext="$PKI_DIR/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "$ext" -out "$PKI_DIR/$name.crt" 2>/dev/null
  rm -f "$PKI_DIR/$name.csr" "$ext"
}

# The API server's names: loopback, the kubernetes Service (ClusterIP and DNS names) and
# the node network's host address, where pods and the node reach it.
apiserver_san() {
  printf 'DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.%s,IP:127.0.0.1,IP:%s,IP:%s' \
    "$CLUSTER_DOMAIN" "$KUBERNETES_SERVICE_IP" "$HOST_FOR_PODS"
}

# cert_names NAME: the subjectAltName line of an issued certificate ("" when absent).
cert_names() {
  [ -f "$PKI_DIR/$1.crt" ] || return 0
  openssl x509 -in "$PKI_DIR/$1.crt" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' '
}

# ensure_cert NAME SUBJECT [SAN]: issues the certificate unless one with these names is
# there, so a checkout made before a certificate existed (or with other addresses) gets
# it without a new CA (which would invalidate every kubeconfig and token).
ensure_cert() {
  local name=$1 subject=$2 san=${3:-} want
  want=$(printf '%s' "$san" | sed 's/IP:/IPAddress:/g')
  if [ -f "$PKI_DIR/$name.crt" ] && [ "$(cert_names "$name")" = "$want" ]; then return; fi
  step "pki: issuing $name"
  issue_cert "$name" "$subject" "$san"
}

ensure_pki() {
  if [ ! -f "$PKI_DIR/.complete" ]; then
    step "pki: generating the cluster CA and service-account keys"
    mkdir -p "$PKI_DIR"
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$PKI_DIR/ca.key" \
      -subj "/CN=knative-ts-local-ca" -days 3650 -sha256 -out "$PKI_DIR/ca.crt" 2>/dev/null ||
      fail "openssl could not create the cluster CA." "install openssl: 'apt-get install -y openssl'."
    openssl genrsa -out "$PKI_DIR/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub" 2>/dev/null
    touch "$PKI_DIR/.complete"
  fi
  ensure_cert apiserver "/CN=kube-apiserver" "$(apiserver_san)"
  ensure_cert admin "/O=system:masters/CN=kubernetes-admin"
  ensure_cert controller-manager "/CN=system:kube-controller-manager"
  ensure_cert scheduler "/CN=system:kube-scheduler"
  # The node's identity (Node authorizer, NodeRestriction), its serving certificate (the
  # API server verifies it for logs, exec and port-forward) and the API server's client
  # certificate towards it.
  ensure_cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  ensure_cert kubelet-serving "/CN=$NODE_NAME" "DNS:$NODE_NAME,IP:$NODE_IP"
  ensure_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  ensure_cert kube-proxy "/CN=system:kube-proxy"
  ensure_cert coredns "/CN=system:coredns"
  step "pki: present ($PKI_DIR)"
}

# write_kubeconfig FILE CLIENT_CERT_NAME: a kubeconfig that trusts our CA and
# authenticates with the named client certificate (embedded, so the file stands alone).
write_kubeconfig() {
  local file=$1 who=$2
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://$HOST_FOR_PODS:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI_DIR/ca.crt")
users:
- name: $who
  user:
    client-certificate-data: $(base64 -w0 <"$PKI_DIR/$who.crt")
    client-key-data: $(base64 -w0 <"$PKI_DIR/$who.key")
contexts:
- name: local
  context:
    cluster: local
    user: $who
current-context: local
EOF
  chmod 600 "$file"
}
