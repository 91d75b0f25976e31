#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the tests, from Debian's packages (installed
# by scripts/setup.sh). Nothing is shared with a system cluster: its own data directory,
# socket directory and port.
#
#   scripts/postgres.sh start DIR   create (if needed) and start a cluster in DIR; prints its URL
#   scripts/postgres.sh stop DIR    stop it
#   scripts/postgres.sh url DIR     print its URL
#
# PostgreSQL refuses to run as root; as root the cluster belongs to the `postgres` account
# the Debian package creates.
set -euo pipefail

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$bin/postgres" ] || { echo "PostgreSQL's server is not installed: run scripts/setup.sh" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() {
  echo "postgres://salesdesk:salesdesk@127.0.0.1:$(cat "$dir/port")/salesdesk"
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      pw=$(mktemp); echo salesdesk > "$pw"; chmod 644 "$pw"
      as_owner "$bin/initdb" -D "$dir/data" -U salesdesk --pwfile="$pw" -A scram-sha-256 -E UTF8 --no-locale >/dev/null
      rm -f "$pw"
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      # A free port: the kernel's choice for a socket bound to port 0.
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
      echo "$port" > "$dir/port"
      # fsync off: a throwaway cluster for tests, rebuilt if the machine crashes.
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=300" >/dev/null
      PGPASSWORD=salesdesk "$bin/psql" -h 127.0.0.1 -p "$port" -U salesdesk -d postgres -qtAc \
        "SELECT 1 FROM pg_database WHERE datname = 'salesdesk'" | grep -q 1 \
        || PGPASSWORD=salesdesk "$bin/createdb" -h 127.0.0.1 -p "$port" -U salesdesk salesdesk
    fi
    url
    ;;
  stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  url)
    url
    ;;
  *)
    echo "usage: $0 start|stop|url DIR" >&2; exit 2
    ;;
esac
