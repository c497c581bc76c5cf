#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, with no Docker engine and no registry, for the
# chart's deployment tests. Binaries come from scripts/cluster/binaries.sh (Go module proxy, cached),
# images from scripts/images.sh (debootstrap + the project's Dockerfile, cached).
#
#   scripts/cluster.sh prepare  the Debian packages, binaries and images `up` needs (built once, cached)
#   scripts/cluster.sh up       etcd, kube-apiserver (127.0.0.1:16443), containerd, kubelet,
#                               controller-manager, scheduler, kube-proxy, CoreDNS; images imported
#   scripts/cluster.sh deploy   Istio CRDs, hostPath volumes, `helm install --wait` of the chart
#   scripts/cluster.sh test     up, deploy, the end-to-end suite and the cluster checks, down (always)
#   scripts/cluster.sh down     stops everything and removes every process, mount, bridge,
#                               network namespace and iptables chain `up` made
#   scripts/cluster.sh env      prints KUBECONFIG and the helm command line to use by hand
#
# Root only (kubelet, containerd, iptables). Everything runs under CLUSTER_RUN; traffic stays on
# 127.0.0.1 and on the pod bridge (10.244.0.0/24) and service range (10.96.0.0/16) made here.
# kubelet, containerd and iptables need root: a CI runner with passwordless sudo gets it here.
if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then exec sudo -E env "PATH=$PATH" "HOME=$HOME" bash "$0" "$@"; fi
source "$(dirname "${BASH_SOURCE[0]}")/cluster/lib.sh"
source "$REPO_ROOT/scripts/cluster/binaries.sh"

BRIDGE=cni-cabyss0
BRIDGE_IP=10.244.0.1
POD_SUBNET=10.244.0.0/24
SERVICE_RANGE=10.96.0.0/16
NODE_NAME=cinemaabyss-node
API_PORT=16443
ETCD_PORT=12379
RELEASE=cinemaabyss
NAMESPACE=cinemaabyss
CHART="$REPO_ROOT/src/kubernetes/helm/cinemaabyss"
export KUBECONFIG="$CLUSTER_RUN/kubeconfig"
export PATH="$BIN_DIR:$PATH"
PIDS="$CLUSTER_RUN/pids"

kubectl() { command kubectl --kubeconfig "$KUBECONFIG" "$@"; }
helm() { "$BIN_DIR/helm" --kubeconfig "$KUBECONFIG" "$@"; }
ctr_() { ctr --address "$CLUSTER_RUN/containerd/containerd.sock" -n k8s.io "$@"; }

# start <name> <command...>: a daemon of the cluster, its pid and log kept under CLUSTER_RUN.
start() {
  local name="$1"; shift
  mkdir -p "$PIDS" "$CLUSTER_RUN/logs"
  setsid "$@" >"$CLUSTER_RUN/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name"
}

# wait_for <what> <seconds> <command...>: polls a condition, bounded in time.
wait_for() {
  local what="$1" limit="$2"; shift 2
  local until=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS > until )); then log "$what not ready after ${limit}s"; return 1; fi
    sleep 0.5
  done
}

alive() { [ -f "$PIDS/$1" ] && kill -0 "$(cat "$PIDS/$1")" 2>/dev/null; }

prerequisites() {
  [ "$(id -u)" = 0 ] || die "the cluster needs root (kubelet, containerd, iptables)"
  # By command, not by package name: a machine with Docker's containerd.io already has both.
  local pkgs=(etcd-server containernetworking-plugins iptables openssl gettext-base iproute2 curl)
  command -v containerd >/dev/null || pkgs+=(containerd)
  command -v runc >/dev/null || pkgs+=(runc)
  apt_install "${pkgs[@]}"
  modprobe br_netfilter 2>/dev/null || true
  modprobe overlay 2>/dev/null || true
}

binaries() {
  build_kubernetes; build_kubectl; build_pause; build_coredns; build_helm
}

images() { "$REPO_ROOT/scripts/images.sh" build; }

pki() {
  local pki="$CLUSTER_RUN/pki"
  mkdir -p "$pki" && chmod 700 "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cinemaabyss-cluster-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' > "$pki/san.ext"
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
    -extfile "$pki/san.ext" -out "$pki/apiserver.crt" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  local token
  token=$(openssl rand -hex 24)
  echo "$token,cinemaabyss-admin,cinemaabyss-admin,system:masters" > "$pki/tokens.csv"
  cat > "$KUBECONFIG" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: cinemaabyss
    cluster: { server: "https://127.0.0.1:$API_PORT", certificate-authority-data: "$(base64 -w0 < "$pki/ca.crt")" }
users:
  - name: admin
    user: { token: "$token" }
contexts:
  - name: cinemaabyss
    context: { cluster: cinemaabyss, user: admin }
current-context: cinemaabyss
KUBECONFIG
  chmod 600 "$KUBECONFIG"
}

network() {
  # Remembered so that `down` puts the machine back as it was.
  sysctl -n net.ipv4.ip_forward > "$CLUSTER_RUN/ip_forward.orig"
  ip link add "$BRIDGE" type bridge 2>/dev/null || true
  ip addr add "$BRIDGE_IP/24" dev "$BRIDGE" 2>/dev/null || true
  ip link set "$BRIDGE" up
  sysctl -qw net.ipv4.ip_forward=1
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  mkdir -p "$CLUSTER_RUN/cni/net.d"
  BRIDGE_IP="$BRIDGE_IP" POD_SUBNET="$POD_SUBNET" render_config "$REFERENCE_DIR/10-cinemaabyss-bridge.conflist" "$CLUSTER_RUN/cni/net.d/10-cinemaabyss-bridge.conflist"
}

control_plane() {
  local pki="$CLUSTER_RUN/pki"
  start etcd etcd --name cinemaabyss --data-dir "$CLUSTER_RUN/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "cinemaabyss=http://127.0.0.1:$((ETCD_PORT + 1))" --listen-metrics-urls "" \
    --quota-backend-bytes 2147483648
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
  start kube-apiserver kube-apiserver --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --secure-port "$API_PORT" --advertise-address "$BRIDGE_IP" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
    --token-auth-file "$pki/tokens.csv" --authorization-mode Node,RBAC \
    --service-cluster-ip-range "$SERVICE_RANGE" --service-node-port-range 30000-32767 \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --allow-privileged=false --profiling=false --enable-priority-and-fairness=false
  wait_for kube-apiserver 90 kubectl get --raw /readyz
  start kube-controller-manager kube-controller-manager --kubeconfig "$KUBECONFIG" \
    --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
    --bind-address 127.0.0.1 --secure-port 10257 --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=false --cluster-cidr "$POD_SUBNET" --allocate-node-cidrs=false
  start kube-scheduler kube-scheduler --kubeconfig "$KUBECONFIG" \
    --authentication-kubeconfig "$KUBECONFIG" --authorization-kubeconfig "$KUBECONFIG" \
    --bind-address 127.0.0.1 --secure-port 10259 --leader-elect=false
}

node_up() {
  mkdir -p "$CLUSTER_RUN/containerd" "$CLUSTER_RUN/kubelet" "$CLUSTER_RUN/podlogs" "$CLUSTER_RUN/cni/ipam"
  render_config "$REFERENCE_DIR/containerd.toml" "$CLUSTER_RUN/containerd/config.toml"
  sed -i -e "s#sandbox_image = .*#sandbox_image = \"$PAUSE_IMAGE\"#" \
    -e "s#BinaryName = .*#BinaryName = \"$(command -v runc)\"#" "$CLUSTER_RUN/containerd/config.toml"
  start containerd containerd --config "$CLUSTER_RUN/containerd/config.toml"
  wait_for containerd 30 ctr_ version
  phase "up: images into containerd" import_images
  render_config "$REFERENCE_DIR/kubelet-config.yaml" "$CLUSTER_RUN/kubelet/config.yaml"
  start kubelet kubelet --kubeconfig "$KUBECONFIG" --config "$CLUSTER_RUN/kubelet/config.yaml" \
    --root-dir "$CLUSTER_RUN/kubelet" --cert-dir "$CLUSTER_RUN/kubelet/pki" \
    --hostname-override "$NODE_NAME" --node-ip "$BRIDGE_IP"
  start kube-proxy kube-proxy --kubeconfig "$KUBECONFIG" --proxy-mode iptables \
    --hostname-override "$NODE_NAME" --cluster-cidr "$POD_SUBNET" \
    --metrics-bind-address 127.0.0.1:10249 --healthz-bind-address 127.0.0.1:10256 \
    --conntrack-max-per-core 0
  render_config "$REFERENCE_DIR/Corefile" "$CLUSTER_RUN/Corefile"
  start coredns coredns -conf "$CLUSTER_RUN/Corefile"
  wait_for "the node" 90 node_ready
  wait_for "kube-proxy" 60 curl -fsS http://127.0.0.1:10256/healthz
}

node_ready() {
  [ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

import_images() {
  # One archive for all images: layers shared between role images are written once.
  local archive="$CLUSTER_RUN/images.tar"
  "$REPO_ROOT/scripts/images.sh" save "$archive"
  ctr_ images import --snapshotter overlayfs "$archive" >/dev/null
  rm -f "$archive"
  local image present
  present=$(ctr_ images ls -q)
  for image in $("$REPO_ROOT/scripts/images.sh" list); do
    grep -qx "$image" <<< "$present" || die "$image missing from containerd after import"
  done
}

up() {
  [ -f "$PIDS/kube-apiserver" ] && alive kube-apiserver && { log "the cluster is already up"; return 0; }
  prerequisites
  phase "up: binaries" binaries
  phase "up: images" images
  mkdir -p "$CLUSTER_RUN"
  echo "$$" > "$CLUSTER_RUN/owner"
  pki
  network
  phase "up: control plane" control_plane
  phase "up: node" node_up
  log "cluster up: KUBECONFIG=$KUBECONFIG"
}

# hostPath volumes for the chart's StatefulSets: there is no StorageClass on this node.
volumes() {
  local name
  for name in postgresql kafka; do
    mkdir -p "$CLUSTER_RUN/volumes/$name" && chmod 0777 "$CLUSTER_RUN/volumes/$name"
    kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: { name: cinemaabyss-$name, labels: { cinemaabyss/volume: "$name" } }
spec:
  capacity: { storage: 5Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: ""
  claimRef: { namespace: $NAMESPACE, name: data-$RELEASE-cinemaabyss-$name-0 }
  hostPath: { path: "$CLUSTER_RUN/volumes/$name", type: Directory }
YAML
  done
}

istio_crds_apply() {
  kubectl apply --server-side -f "$(istio_crds)" >/dev/null
  kubectl wait --for condition=established --timeout=60s crd/destinationrules.networking.istio.io crd/virtualservices.networking.istio.io >/dev/null
}

# The values that make the chart run on this node: local images, local PostgreSQL and Kafka images.
helm_values() {
  echo --namespace "$NAMESPACE" \
    --set image.repository=localhost/cinemaabyss --set "image.tag=$IMAGE_TAG" --set image.pullPolicy=Never \
    --set postgresql.image=localhost/cinemaabyss/postgres:15 --set kafka.image=localhost/cinemaabyss/kafka:local \
    --set istio.enabled=true --set istio.canary.enabled=true --set ingress.enabled=true \
    --set migration.moviesPercent="${MOVIES_PERCENT:-50}" \
    --set gateway.adminToken=cinemaabyss-cluster-admin-token
}

deploy() {
  kubectl get ns "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE" >/dev/null
  phase "deploy: istio CRDs" istio_crds_apply
  volumes
  # shellcheck disable=SC2046
  phase "deploy: helm install --wait" helm upgrade --install "$RELEASE" "$CHART" $(helm_values) --wait --timeout 10m
  kubectl -n "$NAMESPACE" get pods -o wide
}

cluster_test() {
  local gateway monolith movies events
  svc_url() { echo "http://$(kubectl -n "$NAMESPACE" get svc "$RELEASE-cinemaabyss-$1" -o jsonpath='{.spec.clusterIP}'):$2"; }
  gateway=$(svc_url gateway 8000); monolith=$(svc_url monolith 8080); movies=$(svc_url movies 8081); events=$(svc_url events 8082)
  local common=(env E2E_TOPOLOGY=cluster E2E_GATEWAY_URL="$gateway" E2E_MONOLITH_URL="$monolith" E2E_MOVIES_URL="$movies"
    E2E_EVENTS_URL="$events" E2E_MOVIES_MIGRATION_PERCENT="${MOVIES_PERCENT:-50}")
  (cd "$REPO_ROOT" && phase "test: end-to-end suite against the gateway's ClusterIP" "${common[@]}" npx vitest run src/e2e)
  # shellcheck disable=SC2046
  (cd "$REPO_ROOT" && phase "test: cluster checks" "${common[@]}" CLUSTER_TESTS=1 KUBECONFIG="$KUBECONFIG" \
    CLUSTER_HELM="$BIN_DIR/helm" CLUSTER_RELEASE="$RELEASE" CLUSTER_NAMESPACE="$NAMESPACE" CLUSTER_CHART="$CHART" \
    CLUSTER_KUBECTL="$BIN_DIR/kubectl" CLUSTER_IMAGE_TAG="$IMAGE_TAG" CLUSTER_RUN="$CLUSTER_RUN" \
    npx vitest run src/kubernetes/cluster.cluster.test.ts)
}

# ---- teardown: by pid and by the names and paths this script made, never by a broad pattern ----

stop_pid() {
  local name="$1" pid
  [ -f "$PIDS/$name" ] || return 0
  pid=$(cat "$PIDS/$name")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDS/$name"
}

# Container processes: the shims started by our containerd (their command line names our socket).
stop_shims() {
  local pid
  for pid in $(pgrep -f -- "-address $CLUSTER_RUN/containerd/containerd.sock" || true); do
    # the shim's children (the containers) first, then the shim
    pkill -9 -P "$pid" 2>/dev/null || true
    kill -9 "$pid" 2>/dev/null || true
  done
}

drain_pods() {
  alive kube-apiserver && alive kubelet || return 0
  # Owners first, so that nothing makes new pods; the kubelet then stops each pod.
  kubectl delete deployments,statefulsets,replicasets,jobs --all -n "$NAMESPACE" --wait=false >/dev/null 2>&1 || true
  kubectl delete pods --all -n "$NAMESPACE" --grace-period=1 --wait=false >/dev/null 2>&1 || true
  # The kubelet stops the sandboxes (and CNI releases veths, addresses, netns) as pods go.
  wait_for "pods gone" 45 sh -c "[ -z \"\$(ctr --address $CLUSTER_RUN/containerd/containerd.sock -n k8s.io tasks ls -q 2>/dev/null)\" ]" || true
}

unmount_all() {
  # Deepest first; only mounts under our directory.
  local m
  for m in $(awk -v d="$CLUSTER_RUN" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}

remove_netns() {
  # Namespaces containerd made for our pods: the cni-* ones that were not there before `up`.
  local ns
  for ns in $(ls /run/netns 2>/dev/null | grep '^cni-' || true); do
    grep -qx "$ns" "$CLUSTER_RUN/netns.before" 2>/dev/null && continue
    ip netns delete "$ns" 2>/dev/null || { umount "/run/netns/$ns" 2>/dev/null; rm -f "/run/netns/$ns"; }
  done
}

remove_iptables() {
  [ -x "$BIN_DIR/kube-proxy" ] && "$BIN_DIR/kube-proxy" --cleanup >/dev/null 2>&1 || true
  local table chain
  for table in filter nat mangle; do
    # rules that jump to our chains, then the chains
    { iptables -t "$table" -S 2>/dev/null | grep -E -- '-j (KUBE-|CNI-)' | grep -E '^-A ' | sed 's/^-A /-D /' || true; } | while read -r rule; do
      eval "iptables -t $table $rule" 2>/dev/null || true
    done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N (KUBE-|CNI-)/ { print $2 }'); do
      iptables -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N (KUBE-|CNI-)/ { print $2 }'); do
      iptables -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

down() {
  [ -d "$CLUSTER_RUN" ] || { log "nothing to take down"; return 0; }
  local start=$SECONDS
  drain_pods
  stop_pid kube-proxy; stop_pid coredns; stop_pid kubelet
  stop_pid kube-scheduler; stop_pid kube-controller-manager
  stop_shims
  stop_pid containerd
  stop_pid kube-apiserver; stop_pid etcd
  remove_netns
  # veths the bridge plugin made go with their namespaces; the bridge itself is ours
  ip link delete "$BRIDGE" 2>/dev/null || true
  remove_iptables
  [ -f "$CLUSTER_RUN/ip_forward.orig" ] && sysctl -qw "net.ipv4.ip_forward=$(cat "$CLUSTER_RUN/ip_forward.orig")"
  unmount_all
  rm -rf "$CLUSTER_RUN"
  log "phase down: done in $((SECONDS - start)) s"
  echo "down $((SECONDS - start))" >> "${PHASE_TIMES_FILE:-/dev/null}"
}

full_test() {
  export PHASE_TIMES_FILE="${PHASE_TIMES_FILE:-$(mktemp)}"
  : > "$PHASE_TIMES_FILE"
  local started=$SECONDS
  [ -d "$CLUSTER_RUN" ] && down
  trap 'rc=$?; [ $rc -ne 0 ] && report_state; down; print_times; exit $rc' EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$CLUSTER_RUN"
  ls /run/netns 2>/dev/null > "$CLUSTER_RUN/netns.before" || true
  up
  deploy
  cluster_test
  log "cluster test passed in $((SECONDS - started)) s"
}

print_times() {
  echo "== cluster phase times"
  awk '{ t = $NF; $NF = ""; printf "%5ss  %s\n", t, $0 }' "$PHASE_TIMES_FILE"
}

# What the daemons and the pods say (on failure, before everything is removed; or on demand). The
# pods come last, one line each: a CI log is often read from its tail, and the pod logs are long.
report_state() {
  log "state of the cluster"
  local f
  for f in kubelet containerd kube-apiserver; do [ -f "$CLUSTER_RUN/logs/$f.log" ] && { echo "--- $f"; grep -iE 'error|fail' "$CLUSTER_RUN/logs/$f.log" | tail -10; }; done
  for f in "$CLUSTER_RUN"/podlogs/*/*/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -15 "$f"; }; done 2>/dev/null | tail -150
  alive kube-apiserver || return 0
  echo "--- events (newest last)"
  kubectl get events -A --sort-by=.lastTimestamp 2>&1 | tail -30
  echo "--- pods: phase, and each container's readiness, waiting reason and last termination"
  kubectl get pods -A -o custom-columns='POD:.metadata.name,PHASE:.status.phase,READY:.status.containerStatuses[*].ready,WAITING:.status.containerStatuses[*].state.waiting.reason,LAST:.status.containerStatuses[*].lastState.terminated.reason,EXIT:.status.containerStatuses[*].lastState.terminated.exitCode,RESTARTS:.status.containerStatuses[*].restartCount' 2>&1 | head -40
}

case "${1:-}" in
  prepare) prerequisites; phase "prepare: binaries" binaries; phase "prepare: images" images ;;
  up) mkdir -p "$CLUSTER_RUN"; ls /run/netns 2>/dev/null > "$CLUSTER_RUN/netns.before" || true; up ;;
  deploy) deploy ;;
  test) full_test ;;
  checks) cluster_test ;;
  report) report_state ;;
  down) down ;;
  env) echo "export KUBECONFIG=$KUBECONFIG"; echo "# helm: $BIN_DIR/helm $(helm_values)" ;;
  *) die "usage: $0 prepare|up|deploy|test|checks|report|down|env" ;;
esac
