# shellcheck shell=bash
# Certificates and kubeconfigs for the local control plane, made once with openssl:
# a cluster CA, the API server's serving certificate, client certificates for the
# admin (system:masters) and the controller manager, and the service-account key pair.

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

ensure_pki() {
  if [ -f "$PKI_DIR/.complete" ]; then
    step "pki: present ($PKI_DIR)"
    return
  fi
  step "pki: generating the cluster CA, serving and client certificates, service-account keys"
  mkdir -p "$PKI_DIR"
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$PKI_DIR/ca.key" \
    -subj "/CN=knative-ts-local-ca" -days 3650 -sha256 -out "$PKI_DIR/ca.crt" 2>/dev/null ||
    fail "openssl could not create the cluster CA." "install openssl: 'apt-get install -y openssl'."
  issue_cert apiserver "/CN=kube-apiserver" \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1"
  issue_cert admin "/O=system:masters/CN=kubernetes-admin"
  issue_cert controller-manager "/CN=system:kube-controller-manager"
  openssl genrsa -out "$PKI_DIR/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub" 2>/dev/null
  touch "$PKI_DIR/.complete"
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
    server: https://127.0.0.1:$APISERVER_PORT
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
