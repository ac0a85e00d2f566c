#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for the tests that run on both backends.
#
#   eval "$(bash .ci/postgres.sh start)"   # installs Debian's postgresql/postgis when missing,
#                                          # prints export PETA_TEST_PG_URL=... PETA_TEST_PG_DATA=...
#   bash .ci/postgres.sh stop              # stops the cluster of $PETA_TEST_PG_DATA, removes it
#
# The cluster lives in a temp folder, listens on 127.0.0.1 only, on a free port, and runs as a
# non-root user (Debian's `postgres` when started as root). Trust authentication is safe there:
# only this machine reaches it, and it holds test data only. Messages go to stderr; stdout holds
# only the export lines.
set -euo pipefail

log() { echo "$@" >&2; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    echo "$dir"
}

install_if_missing() {
    local dir
    dir=$(bindir)
    if [ -n "$dir" ] && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
        return
    fi
    log "Memasang postgresql dan postgis (Debian) untuk uji PostgreSQL…"
    export DEBIAN_FRONTEND=noninteractive
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq postgresql postgis >/dev/null
}

start() {
    install_if_missing
    local bin data port
    bin=$(bindir)
    data=$(mktemp -d /tmp/peta-pg.XXXXXX)
    chmod 755 "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$data/db" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >/dev/null
    # test data only: no fsync, and the socket in the cluster's own folder
    as_owner "$bin/pg_ctl" -D "$data/db" -l "$data/log" -w -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE peta_test" >/dev/null
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d peta_test -q -v ON_ERROR_STOP=1 \
        -c "CREATE EXTENSION postgis" >/dev/null
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') + PostGIS di 127.0.0.1:$port ($data)"
    echo "export PETA_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$port/peta_test"
    echo "export PETA_TEST_PG_DATA=$data"
}

stop() {
    local data="${PETA_TEST_PG_DATA:-}"
    [ -n "$data" ] && [ -d "$data/db" ] || return 0
    as_owner "$(bindir)/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$data"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) log "pakai: $0 start|stop"; exit 2 ;;
esac
