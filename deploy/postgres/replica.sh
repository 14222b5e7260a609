#!/bin/sh
# pg-replica: on an empty volume, clone pg-primary with pg_basebackup -R (which
# writes standby.signal and the connection to stream from), then run as a hot
# standby. Later starts just resume streaming. Runs as the postgres user.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_basebackup --host=pg-primary --username=replicator \
      --pgdata="$PGDATA" --write-recovery-conf --wal-method=stream \
      --checkpoint=fast --progress; do
    echo "pg-replica: waiting for pg-primary" >&2
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
fi
chmod 0700 "$PGDATA"
exec postgres -c hot_standby=on
