#!/usr/bin/env bash
# The cached customer server function under wrk (a C load generator, so less of the
# machine goes to generating load than in `make bench`'s in-process client).
# Starts the release server in demo mode on a free port, signs in, warms one customer's
# cache, then runs `wrk -t1 -c64 -d10s`. Needs `wrk` (Debian package `wrk`) and `make build`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
bin=target/release/salesdesk
[ -x "$bin" ] || { echo "$bin missing: run make build first" >&2; exit 2; }
port=${BENCH_PORT:-3390}
data=$(mktemp -d)
password=bench-wrk-$RANDOM$RANDOM
SALESDESK_DATA_DIR="$data" SALESDESK_ADDR=127.0.0.1:$port SALESDESK_DEMO_PASSWORD="$password" RUST_LOG=error \
  "$bin" --demo >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
cookie=$(curl -fs -o /dev/null -D - -H "origin: $base" -d "username=admin&password=$password&next=/" "$base/auth/login" \
  | tr -d '\r' | sed -n 's/^set-cookie: \(salesdesk_session=[0-9a-f]*\).*/\1/Ip')
key=$(curl -fs -H "origin: $base" -H "cookie: $cookie" -d "query[page]=1&query[page_size]=1" "$base/api/customers" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["key"])')
curl -fs -o /dev/null -H "origin: $base" -H "cookie: $cookie" -d "key=$key" "$base/api/customer"
cat >"$data/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "key=$key"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "$base"
wrk.headers["Cookie"] = "$cookie"
LUA
echo "cached customer server function (POST /api/customer, key $key), wrk -t1 -c64 -d10s:"
wrk -t1 -c64 -d10s --latency -s "$data/post.lua" "$base/api/customer" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
