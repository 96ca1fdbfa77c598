#!/usr/bin/env bash
# Starts the testbed and waits until HDFS, YARN and Oozie answer.
#   scripts/testbed/up.sh [--gpu]     --gpu also starts the GPU NodeManager (needs the NVIDIA toolkit)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=config/testbed.env
. "$here/config/testbed.env"

profiles=()
for arg in "$@"; do
  case "$arg" in
    --gpu) profiles=(--profile gpu) ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) echo "up.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

if ! command -v docker >/dev/null || ! docker compose version >/dev/null 2>&1; then
  echo "up.sh: needs Docker with the compose plugin (docker compose); see scripts/testbed/README.md" >&2
  exit 1
fi

compose() { docker compose -f "$here/docker-compose.yml" "${profiles[@]}" "$@"; }

wait_for() {
  local what="$1" url="$2" tries="${3:-90}"
  echo "waiting for $what ($url) ..."
  for _ in $(seq 1 "$tries"); do
    if curl -fs "$url" >/dev/null 2>&1; then
      return 0
    fi
    sleep 2
  done
  echo "up.sh: $what did not answer at $url; see: docker compose -f $here/docker-compose.yml logs" >&2
  exit 1
}

compose up -d --build
wait_for "the NameNode" "http://localhost:9870/webhdfs/v1/?op=GETFILESTATUS&user.name=hdfs"
compose exec -T namenode hdfs dfsadmin -safemode wait

# Home directories: Spark stages its jars under the submitting user's, Oozie keeps its sharelib under its own.
compose exec -T namenode bash -c "
  set -e
  hdfs dfs -mkdir -p /tmp /user/$SPARKJOBS_USER /user/oozie /user/hadoop
  hdfs dfs -chmod 1777 /tmp
  hdfs dfs -chown $SPARKJOBS_USER /user/$SPARKJOBS_USER
  hdfs dfs -chown oozie /user/oozie
"

wait_for "the ResourceManager" "http://localhost:8088/ws/v1/cluster/info"
wait_for "Oozie" "http://localhost:11000/oozie/v1/admin/status" 300
echo "testbed up: HDFS http://localhost:9870  YARN http://localhost:8088  Oozie http://localhost:11000/oozie" \
  " Spark Connect sc://localhost:15002"
