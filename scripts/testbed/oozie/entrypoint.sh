#!/usr/bin/env bash
# Starts Oozie in the foreground. The first start (no database in the data volume yet) creates the
# database and uploads the sharelib to HDFS; later starts only run the server.
set -euo pipefail
home=/opt/oozie
marker="$home/data/.initialized"

echo "waiting for the NameNode's WebHDFS at namenode:9870 ..."
for _ in $(seq 1 120); do
  if curl -fs "http://namenode:9870/webhdfs/v1/?op=GETFILESTATUS&user.name=oozie" >/dev/null; then
    break
  fi
  sleep 2
done

if [ ! -f "$marker" ]; then
  "$home/bin/ooziedb.sh" create -sqlfile "$home/data/oozie.sql" -run
  "$home/bin/oozie-setup.sh" sharelib create -fs hdfs://namenode:8020 \
    -locallib "$(ls "$home"/oozie-sharelib-*.tar.gz | head -n 1)"
  touch "$marker"
fi

exec "$home/bin/oozied.sh" run
