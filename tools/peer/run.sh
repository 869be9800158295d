#!/usr/bin/env bash
# The side-by-side run of BENCHMARKS.md: Roots Graph, then the Apollo Server peer (server.js), on
# one standalone FerretDB holding the documents Roots Graph seeds into it, each loaded with the
# `page` query at 16 clients, response caches off.
#
#   (cd tools/peer && npm install)          # once: the peer's packages from the npm registry
#   FERRETDB=/tmp/ferretdb tools/peer/run.sh [SCALE] [DURATION]
#
# FERRETDB is a standalone FerretDB binary (BENCHMARKS.md says how to build one). The peer has no
# /metrics, so its row shows only what the load tool measures; the FerretDB process's CPU over the
# peer's warm-up and run is printed after it.
set -euo pipefail
cd "$(dirname "$0")/../.."
scale=${1:-1}
duration=${2:-10s}
: "${FERRETDB:?set FERRETDB to a standalone FerretDB binary}"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/roots-graph" ./server
go build -o "$work/load" ./tools/load
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system, in ticks of 10 ms

mkdir -p "$work/fdb"
"$FERRETDB" --handler=sqlite --sqlite-url="file:$work/fdb/" --listen-addr=127.0.0.1:18027 \
  --debug-addr=127.0.0.1:0 --telemetry=disable --log-level=warn >/dev/null 2>&1 &
fpid=$!
pids+=("$fpid")
sleep 2
"$work/roots-graph" --addr 127.0.0.1:18091 --data-dir "$work/data" --response-cache-ttl 0 --log-level warn \
  --sample-scale "$scale" --mongodb-uri mongodb://127.0.0.1:18027/ >/dev/null 2>&1 &
pid=$!
pids+=("$pid")
for _ in $(seq 1200); do curl -sf http://127.0.0.1:18091/readyz >/dev/null 2>&1 && break; sleep 0.1; done
echo "### Roots Graph, standalone FerretDB, ${scale}x"
"$work/load" -url http://127.0.0.1:18091 -query page -c 16 -d "$duration" -warmup 2s -pid "$pid" -db-pid "$fpid"
kill -TERM "$pid"
wait "$pid" || true

MONGODB_URI=mongodb://127.0.0.1:18027/ PORT=18092 NODE_ENV=production node tools/peer/server.js >/dev/null 2>&1 &
ppid=$!
pids+=("$ppid")
for _ in $(seq 100); do
  curl -sf -X POST -H 'Content-Type: application/json' -d '{"query":"{ __typename }"}' http://127.0.0.1:18092/graphql >/dev/null 2>&1 && break
  sleep 0.1
done
echo "### Apollo Server 5 + DataLoader, the same database, ${scale}x"
before=$(cpu "$fpid")
"$work/load" -url http://127.0.0.1:18092 -query page -c 16 -d "$duration" -warmup 2s -pid "$ppid"
after=$(cpu "$fpid")
echo "FerretDB's CPU over the peer's warm-up and run: $(( (after - before) * 10 )) ms"
