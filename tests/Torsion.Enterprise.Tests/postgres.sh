#!/usr/bin/env bash
# A throw-away PostgreSQL server for the Torsion.Enterprise tests (.ci/run uses it; so can you).
#   postgres.sh start DIR   initdb in DIR, start the server on a free 127.0.0.1 port (its unix socket in
#                           DIR too), create the database, and print the connection string for
#                           TORSION_TEST_POSTGRES on stdout
#   postgres.sh stop DIR    stop that server (DIR itself is the caller's to remove)
# The data directory belongs to an unprivileged user: as root, the `postgres` account (created when
# missing); otherwise the caller. Give a fresh DIR whose parents that user can traverse (`mktemp -d`
# under /tmp). Nothing listens beyond loopback. TORSION_POSTGRES_CPUS=LIST (taskset's list, e.g. 1)
# keeps the server and every backend on those CPUs, so a benchmark can give the client the others
# (bench/Torsion.Bench.Db).
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop DIR" >&2
    exit 2
fi

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir="$candidate"
done
if [ -z "$bindir" ]; then
    bindir="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
fi
if [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
    echo "error: PostgreSQL's initdb and pg_ctl were not found (Debian package: postgresql)" >&2
    exit 1
fi

owner="$(id -un)"
if [ "$(id -u)" = 0 ]; then
    owner=postgres
    getent passwd postgres >/dev/null || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi
as_owner() {
    if [ "$(id -un)" = "$owner" ]; then
        "$@"
    else
        runuser -u "$owner" -- "$@"
    fi
}

case "$cmd" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown "$owner" "$dir"
    chmod 700 "$dir"
    password="torsion-$RANDOM$RANDOM"
    printf '%s\n' "$password" >"$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown "$owner" "$dir/pwfile"
    as_owner "$bindir/initdb" -D "$dir/data" -U torsion --pwfile="$dir/pwfile" -A scram-sha-256 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    # A free loopback port: the kernel picks one, we release it and hand it to the server (a race
    # only with another process binding the same port in that instant; then start fails loudly).
    port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    pin=()
    [ -n "${TORSION_POSTGRES_CPUS:-}" ] && pin=(taskset -c "$TORSION_POSTGRES_CPUS")
    as_owner "${pin[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=100 -c fsync=off" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    PGPASSWORD="$password" "$bindir/psql" -h 127.0.0.1 -p "$port" -U torsion -d postgres -q -c 'CREATE DATABASE torsion_test' >&2
    echo "Host=127.0.0.1;Port=$port;Username=torsion;Password=$password;Database=torsion_test"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
