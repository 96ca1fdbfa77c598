#!/usr/bin/env bash
# Stops the testbed. With --purge also deletes Oozie's database volume (HDFS never outlives its containers).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
args=(down --remove-orphans)
case "${1:-}" in
  --purge) args+=(--volumes) ;;
  "") ;;
  *) echo "down.sh: unknown argument '$1'; use --purge or nothing" >&2; exit 2 ;;
esac
docker compose -f "$here/docker-compose.yml" --profile gpu "${args[@]}"
