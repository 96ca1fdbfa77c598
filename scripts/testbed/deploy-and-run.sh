#!/usr/bin/env bash
# Builds and packages the fashion-mnist application, uploads it to the testbed's HDFS, submits it to
# the testbed's Oozie and polls until the workflow ends. Run ./up.sh first.
#   scripts/testbed/deploy-and-run.sh [--no-build] [--deploy-with sparkjobs|hdfs] [--submit-with oozie|oozie-lite]
#                                     [--timeout SECONDS] [-D name=value]...
# --deploy-with sparkjobs (default) uploads over WebHDFS with our deployer; hdfs uses `hdfs dfs -put`
# inside the namenode container. --submit-with oozie (default) runs the real Oozie CLI inside the oozie
# container; oozie-lite submits from here with artifacts/bin/oozie-lite. -D values go to the job.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=config/testbed.env
. "$here/config/testbed.env"

build=1
deploy_with=sparkjobs
submit_with=oozie
timeout=7200
defines=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --deploy-with) deploy_with="$2"; shift ;;
    --submit-with) submit_with="$2"; shift ;;
    --timeout) timeout="$2"; shift ;;
    -D) defines+=(-D "$2"); shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "deploy-and-run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

user="$SPARKJOBS_USER"
app_dir="$repo/artifacts/apps/fashion-mnist"
app_path="/user/$user/sparkjobs/apps/fashion-mnist"
oozie_url="http://localhost:11000/oozie"
compose() { docker compose -f "$here/docker-compose.yml" "$@"; }

if [ "$build" = 1 ]; then
  "$repo/build.sh" --target=Package
fi
if [ ! -f "$app_dir/workflow.xml" ]; then
  echo "deploy-and-run.sh: $app_dir has no workflow.xml; run without --no-build" >&2
  exit 1
fi

case "$deploy_with" in
  sparkjobs)
    # From the host, the NameNode's and DataNodes' container names do not resolve: map them to the
    # ports compose publishes on localhost.
    "$repo/build.sh" --target=Deploy --app-dir="$app_dir" --hdfs-path="hdfs://namenode:8020$app_path" \
      --define="user.name=$user" \
      --define="webhdfs.address.namenode:8020=http://localhost:9870" \
      --define="webhdfs.address.datanode:9864=http://localhost:9864"
    ;;
  hdfs)
    compose exec -T namenode rm -rf /tmp/fashion-mnist-app
    compose cp "$app_dir" namenode:/tmp/fashion-mnist-app
    compose exec -T -e HADOOP_USER_NAME="$user" namenode bash -c "
      set -e
      hdfs dfs -mkdir -p $(dirname "$app_path")
      hdfs dfs -rm -r -f -skipTrash $app_path
      hdfs dfs -put /tmp/fashion-mnist-app $app_path
      hdfs dfs -ls -R $app_path"
    ;;
  *) echo "deploy-and-run.sh: --deploy-with is sparkjobs or hdfs, not '$deploy_with'" >&2; exit 2 ;;
esac

job_defines=(-D "sparkConnect=sc://spark-connect:15002/;token=$SPARK_CONNECT_TOKEN" "${defines[@]}")
case "$submit_with" in
  oozie)
    output="$(compose exec -T -u "$user" oozie oozie job -oozie http://localhost:11000/oozie \
      -config /sparkjobs/workflows/fashion-mnist/job.cluster.properties -run "${job_defines[@]}")"
    ;;
  oozie-lite)
    output="$("$repo/artifacts/bin/oozie-lite" job -oozie "$oozie_url" \
      -config "$repo/workflows/fashion-mnist/job.cluster.properties" -run -D "user.name=$user" "${job_defines[@]}")"
    ;;
  *) echo "deploy-and-run.sh: --submit-with is oozie or oozie-lite, not '$submit_with'" >&2; exit 2 ;;
esac
echo "$output"
id="$(echo "$output" | sed -n 's/^job: *//p' | head -n 1)"
if [ -z "$id" ]; then
  echo "deploy-and-run.sh: the submission printed no 'job: <id>' line" >&2
  exit 1
fi

# Poll the Web Services API: GET /v1/job/<id>?show=status answers {"status":"..."}.
deadline=$(( $(date +%s) + timeout ))
status=PREP
while :; do
  status="$(curl -fs "$oozie_url/v1/job/$id?show=status" | sed -n 's/.*"status" *: *"\([A-Z_]*\)".*/\1/p')"
  echo "$(date +%H:%M:%S) $id ${status:-unknown}"
  case "$status" in
    SUCCEEDED|KILLED|FAILED) break ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "deploy-and-run.sh: $id still ${status:-unknown} after ${timeout}s; see $oozie_url" >&2
    exit 1
  fi
  sleep 15
done

compose exec -T oozie oozie job -oozie http://localhost:11000/oozie -info "$id" || true
if [ "$status" != SUCCEEDED ]; then
  echo "deploy-and-run.sh: $id ended $status; its log: oozie job -oozie $oozie_url -log $id" >&2
  exit 1
fi
