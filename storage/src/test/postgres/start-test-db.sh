#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: its own temporary directory, loopback only, a free high port,
# trust authentication, and a database "mailroom_test". Prints the lines to eval:
#
#   eval "$(storage/src/test/postgres/start-test-db.sh)"     # sets MAILROOM_TEST_POSTGRES_URL (and _DIR)
#   mvn -B verify
#   storage/src/test/postgres/start-test-db.sh stop "$MAILROOM_TEST_POSTGRES_DIR"
#
# Uses Debian's postgresql package (apt-get install postgresql) or any pg_ctl/initdb on the PATH. initdb refuses
# to run as root, so as root the cluster runs as the "postgres" user.
set -euo pipefail

find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
    done
    if command -v pg_ctl >/dev/null; then dirname "$(command -v pg_ctl)"; return; fi
    echo "no PostgreSQL server found: apt-get install postgresql" >&2
    exit 1
}

# Runs a command as the cluster's owner: postgres when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}

bin=$(find_bin)

if [ "${1:-}" = stop ]; then
    dir=${2:?usage: $0 stop DIR}
    as_owner "'$bin/pg_ctl' -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 0
fi

dir=$(mktemp -d /tmp/mailroom-pg.XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi

# A free port: ask the kernel for one, then hand it to PostgreSQL (a small race, fine for tests).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_owner "'$bin/initdb' -D '$dir/data' -U postgres -A trust -E UTF8 --no-locale" >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
# Tests create a database per test class and connect with a pool per node: allow plenty of connections.
# fsync stays on: the crash tests must mean what they say.
as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
    -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c max_connections=300 -c shared_buffers=64MB\" start" \
    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
as_owner "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres mailroom_test"

echo "export MAILROOM_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:$port/mailroom_test?user=postgres'"
echo "export MAILROOM_TEST_POSTGRES_DIR='$dir'"
