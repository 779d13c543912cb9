#!/usr/bin/env bash
# Builds, without any container registry, the local images ComposeDeploymentIT deploys with:
#
#   itar-local/jre17:bookworm          Debian bookworm (debootstrap) + openjdk-17-jre-headless  (ITAR_RUNTIME_IMAGE)
#   itar-local/maven-build:<pom hash>  the same + JDK + Maven + a local repository holding everything
#                                      `mvn package` needs, offline                             (ITAR_BUILD_IMAGE)
#   itar-local/kafka:<version>         the JRE image + the Kafka jars from Maven Central, started the way
#                                      the apache/kafka image is (KAFKA_* variables)            (KAFKA_IMAGE)
#
# into the engine DOCKER_HOST names (a private one: see ComposeDeploymentIT), and installs the Compose v2
# plugin into $DOCKER_CONFIG/cli-plugins when `docker compose` is not already there.
#
# What takes minutes is cached between runs under ITAR_DOCKER_CACHE (default ~/.cache/itar-ingest/docker):
# the root file systems as tar files, the build image's Maven repository (per pom.xml), the Kafka jars, the
# Compose plugin. Delete the directory to start over. Needs root (debootstrap, chroot), debootstrap, Maven,
# the engine, and Debian's package mirror and Maven Central for the first run.
#
#   usage: base-images.sh REPO_DIR KAFKA_VERSION     prints the three image names as NAME=image lines
set -euo pipefail

repo=$(cd "${1:?usage: base-images.sh REPO_DIR KAFKA_VERSION}" && pwd)
kafka_version=${2:?usage: base-images.sh REPO_DIR KAFKA_VERSION}
here=$(cd "$(dirname "$0")" && pwd)
cache=${ITAR_DOCKER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/itar-ingest/docker}
: "${DOCKER_HOST:?DOCKER_HOST must name the engine to build into}"
: "${DOCKER_CONFIG:?DOCKER_CONFIG must name the client configuration directory to install Compose into}"
export DOCKER_BUILDKIT=0 # the classic builder: no bridge network is needed for a build without RUN network access

log() { printf 'base-images: %s\n' "$*" >&2; }

mkdir -p "$cache"
# Several checkouts may run the test at once; the cache is filled by one at a time.
exec 9>"$cache/.lock"
flock -w 1800 9 || { log "cache $cache stayed locked for 30 minutes"; exit 1; }

# Scratch directories of this run; a chroot's /proc is unmounted before anything is deleted, and deletion
# never leaves the file system it starts on.
scratch=()
cleanup() {
  local d
  for d in "${scratch[@]}"; do
    umount "$d/root/proc" 2>/dev/null || true
    rm -rf --one-file-system "$d"
  done
}
trap cleanup EXIT
work_dir() { # [parent]; sets $work
  work=$(mktemp -d "${1:-$cache}/work.XXXXXX")
  scratch+=("$work")
}
# what an interrupted earlier run left (the lock is ours, so no other run is using them)
for d in "$cache"/work.*; do
  [[ -d $d ]] && { umount "$d/root/proc" 2>/dev/null || true; rm -rf --one-file-system "$d"; }
done

# The Debian mirror apt already uses on this machine: the source of this release's main suite (deb822
# sources, else the classic sources.list).
mirror() {
  local codename uri
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || { log "/etc/os-release names no Debian release"; exit 1; }
  uri=$(awk -v c="$codename" 'BEGIN { RS = "" }
      { u = ""; ok = 0; n = split($0, l, "\n")
        for (i = 1; i <= n; i++) {
          if (l[i] ~ /^URIs:/) { split(l[i], a, " "); u = a[2] }
          if (l[i] ~ /^Suites:/ && (l[i] " ") ~ (" " c " ")) ok = 1
        }
        if (ok && u != "") { print u; exit } }' /etc/apt/sources.list.d/*.sources 2> /dev/null || true)
  if [[ -z $uri ]]; then
    uri=$(awk -v c="$codename" '$1 == "deb" && $3 == c { print $2; exit }' /etc/apt/sources.list \
            /etc/apt/sources.list.d/*.list 2> /dev/null || true)
  fi
  [[ -n $uri ]] || { log "no apt source for Debian $codename found to take the mirror from"; exit 1; }
  printf '%s\n' "$uri"
}

# A root file system tar: debootstrap minbase once (cached), then the given packages in a chroot.
rootfs() { # name packages...
  local name=$1; shift
  local tar=$cache/rootfs-$name.tar
  [[ -s $tar ]] && return
  local base=$cache/rootfs-minbase.tar
  local work
  work_dir
  mkdir "$work/root"
  if [[ -s $base ]]; then
    tar -C "$work/root" -xf "$base"
  else
    log "debootstrap bookworm minbase (once) ..."
    debootstrap --variant=minbase bookworm "$work/root" "$(mirror)" > "$work/debootstrap.log" 2>&1 \
      || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    tar -C "$work/root" -cf "$base.part" . && mv "$base.part" "$base"
  fi
  log "rootfs $name: apt-get install $* ..."
  cp /etc/resolv.conf "$work/root/etc/resolv.conf"
  mount --bind /proc "$work/root/proc"
  chroot "$work/root" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends $* && apt-get clean && rm -rf /var/lib/apt/lists/*" > "$work/apt.log" 2>&1 \
    || { tail -n 20 "$work/apt.log" >&2; exit 1; }
  umount "$work/root/proc"
  : > "$work/root/etc/resolv.conf"
  tar -C "$work/root" -cf "$tar.part" . && mv "$tar.part" "$tar"
}

# Maven settings: the host's local repository first (no network for what the outer build already has),
# then Maven Central.
host_repo_settings() { # file
  cat > "$1" <<EOF
<settings>
  <profiles><profile><id>host</id>
    <repositories><repository><id>host-local</id><url>file://$HOME/.m2/repository</url></repository></repositories>
    <pluginRepositories><pluginRepository><id>host-local</id><url>file://$HOME/.m2/repository</url></pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>host</activeProfile></activeProfiles>
</settings>
EOF
}

# Strips the records of where artifacts came from, so an offline Maven treats them as installed here.
plain_repository() { # dir
  find "$1" \( -name '_remote.repositories' -o -name '*.lastUpdated' -o -name 'resolver-status.properties' \) -delete
}

# Everything `mvn -DskipTests package` of this pom needs, found by running exactly that on a copy.
build_repository() { # out dir
  local out=$1
  [[ -d $out ]] && return
  local work
  work_dir
  log "Maven repository for the build image (per pom.xml) ..."
  # what the Dockerfile's build stage sees (.dockerignore leaves the tests out)
  mkdir -p "$work/src" && cp -r "$repo/pom.xml" "$work/" && cp -r "$repo/src/main" "$work/src/"
  host_repo_settings "$work/settings.xml"
  (cd "$work" && mvn -B -q -s settings.xml -Dmaven.repo.local="$work/m2" -Dbuild.dir="$work/target" \
      -DskipTests package) > "$work/mvn.log" 2>&1 || { tail -n 30 "$work/mvn.log" >&2; exit 1; }
  plain_repository "$work/m2"
  mv "$work/m2" "$out"
}

kafka_libs() { # out dir
  local out=$1
  [[ -d $out ]] && return
  local work
  work_dir
  log "Kafka $kafka_version jars ..."
  host_repo_settings "$work/settings.xml"
  mvn -B -q -s "$work/settings.xml" -f "$here/kafka/pom.xml" -Dkafka.version="$kafka_version" \
      -Dmaven.repo.local="$work/m2" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$work/libs" > "$work/mvn.log" 2>&1 || { tail -n 30 "$work/mvn.log" >&2; exit 1; }
  mv "$work/libs" "$out"
}

# Compose v2 is Debian 13's docker-compose package; its binary runs on Debian 12 as it is.
compose_plugin() {
  if docker compose version > /dev/null 2>&1; then
    return
  fi
  local bin=$cache/compose/docker-compose
  if [[ ! -x $bin ]]; then
    local work
    work_dir
    log "Compose v2 from Debian trixie's docker-compose package ..."
    mkdir -p "$work/sources" "$work/lists/partial" "$work/archives/partial"
    printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$(mirror)" > "$work/sources/trixie.sources"
    local apt=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$work/sources"
               -o Dir::State::Lists="$work/lists" -o Dir::Cache::Archives="$work/archives"
               -o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" -o APT::Sandbox::User=root)
    apt-get -q "${apt[@]}" update > "$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; exit 1; }
    (cd "$work" && apt-get -q "${apt[@]}" download docker-compose) >> "$work/apt.log" 2>&1 \
      || { tail -n 20 "$work/apt.log" >&2; exit 1; }
    dpkg-deb -x "$work"/docker-compose_*.deb "$work/x"
    mkdir -p "$cache/compose"
    cp "$work/x/usr/libexec/docker/cli-plugins/docker-compose" "$bin.part" && mv "$bin.part" "$bin"
  fi
  mkdir -p "$DOCKER_CONFIG/cli-plugins"
  cp "$bin" "$DOCKER_CONFIG/cli-plugins/docker-compose"
}

pom_hash=$(sha256sum "$repo/pom.xml" | cut -c1-12)
kafka_libs_dir=$cache/kafka-$kafka_version-libs-$(cat "$here/kafka/pom.xml" | sha256sum | cut -c1-12)
rootfs jre17 openjdk-17-jre-headless
rootfs jdk17-maven openjdk-17-jdk-headless maven
build_repository "$cache/m2-$pom_hash"
kafka_libs "$kafka_libs_dir"
compose_plugin
# A repository or jar set is per pom: those of other poms go once unused for a week.
touch "$cache/m2-$pom_hash" "$kafka_libs_dir"
find "$cache" -mindepth 1 -maxdepth 1 \( -name 'm2-*' -o -name 'kafka-*-libs-*' \) -mtime +7 \
  -exec rm -rf --one-file-system {} +
flock -u 9

image_exists() { docker image inspect "$1" > /dev/null 2>&1; }

jre=itar-local/jre17:bookworm
if ! image_exists "$jre"; then
  log "importing $jre ..."
  docker import "$cache/rootfs-jre17.tar" "$jre" > /dev/null
fi
jdk=itar-local/jdk17-maven:bookworm
if ! image_exists "$jdk"; then
  log "importing $jdk ..."
  docker import "$cache/rootfs-jdk17-maven.tar" "$jdk" > /dev/null
fi

build=itar-local/maven-build:$pom_hash
if ! image_exists "$build"; then
  log "building $build ..."
  work_dir "${TMPDIR:-/tmp}" # the cache lock is released: not under the cache
  cp "$here/maven-build/Dockerfile" "$here/maven-build/settings.xml" "$work/"
  cp -r "$cache/m2-$pom_hash" "$work/repository"
  docker build -q --network none --build-arg BASE="$jdk" -t "$build" "$work" > /dev/null
fi

kafka=itar-local/kafka:$kafka_version
if ! image_exists "$kafka"; then
  log "building $kafka ..."
  work_dir "${TMPDIR:-/tmp}"
  cp -r "$here/kafka/Dockerfile" "$here/kafka/start.sh" "$here/kafka/bin" "$work/"
  cp -r "$kafka_libs_dir" "$work/libs"
  docker build -q --network none --build-arg BASE="$jre" -t "$kafka" "$work" > /dev/null
fi

printf 'ITAR_RUNTIME_IMAGE=%s\nITAR_BUILD_IMAGE=%s\nKAFKA_IMAGE=%s\n' "$jre" "$build" "$kafka"
