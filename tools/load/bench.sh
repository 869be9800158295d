#!/usr/bin/env bash
# Runs the benchmark matrix of BENCHMARKS.md: every query of tools/load at 1, 16 and 64 clients,
# against the server on the bundled data and on data ten times larger (--sample-scale 10), with
# the response cache off and on, each next to the static floor. Servers run on loopback on fresh
# temporary data folders with the embedded database, and are stopped at the end.
#
#   tools/load/bench.sh                      # the whole matrix (about 25 minutes)
#   DURATION=5s SCALES=1 TTLS=10s tools/load/bench.sh   # a part of it
#
# Settings (environment): DURATION (10s) and WARMUP (2s) per run, CLIENTS (1,16,64), QUERIES
# (all), SCALES ("1 10"), TTLS ("0 10s": response cache off, then on), PORT (18090), FLOOR (1:
# also run the static floor; 0: not). FERRETDB, when set, is a standalone FerretDB binary (see
# BENCHMARKS.md for how to build one): the server then uses it, started on a fresh SQLite folder
# on FERRETDB_PORT (18027) for each data size, instead of the embedded database, and the tables
# add the database process's CPU per request.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=${DURATION:-10s}
warmup=${WARMUP:-2s}
clients=${CLIENTS:-1,16,64}
queries=${QUERIES:-all}
scales=${SCALES:-1 10}
ttls=${TTLS:-0 10s}
port=${PORT:-18090}
floor=${FLOOR:-1}
ferretdb=${FERRETDB:-}
fport=${FERRETDB_PORT:-18027}

work=$(mktemp -d)
pid=""
fpid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$fpid" ]; then kill -TERM "$fpid" 2>/dev/null || true; wait "$fpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/roots-graph" ./server
go build -o "$work/load" ./tools/load

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB;" \
  "$(go version | cut -d' ' -f3); commit $(git rev-parse --short HEAD); $(date -u +%Y-%m-%dT%H:%MZ)."
echo "Each run: ${duration} after ${warmup} of warm-up; clients ${clients}."

db="the embedded database"
[ -n "$ferretdb" ] && db="a standalone FerretDB ($("$ferretdb" --version 2>/dev/null | head -1))"
echo "Database: $db."

for scale in $scales; do
  db_args=()
  db_pid=()
  if [ -n "$ferretdb" ]; then
    mkdir -p "$work/fdb-$scale"
    "$ferretdb" --handler=sqlite --sqlite-url="file:$work/fdb-$scale/" --listen-addr="127.0.0.1:$fport" \
      --debug-addr=127.0.0.1:0 --telemetry=disable --log-level=warn >/dev/null 2>"$work/ferretdb.err" &
    fpid=$!
    db_args=(--mongodb-uri "mongodb://127.0.0.1:$fport/")
    db_pid=(-db-pid "$fpid")
  fi
  for ttl in $ttls; do
    # One data folder per scale: the second start finds the data seeded and leaves it.
    "$work/roots-graph" --addr "127.0.0.1:$port" --data-dir "$work/data-$scale" --sample-scale "$scale" \
      --response-cache-ttl "$ttl" "${db_args[@]}" >/dev/null 2>"$work/server.err" &
    pid=$!
    for _ in $(seq 1200); do
      if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
      if ! kill -0 "$pid" 2>/dev/null; then cat "$work/server.err" >&2; exit 1; fi
      sleep 0.1
    done
    cache="off"
    [ "$ttl" != "0" ] && cache="on (TTL $ttl)"
    echo
    echo "### ${scale}x data, response cache ${cache}"
    echo
    floor_arg=()
    [ "$floor" = 1 ] && floor_arg=(-floor)
    "$work/load" -url "http://127.0.0.1:$port" -query "$queries" -c "$clients" -d "$duration" -warmup "$warmup" \
      "${floor_arg[@]}" -pid "$pid" "${db_pid[@]}"
    kill -TERM "$pid"
    wait "$pid" || true
    pid=""
  done
  if [ -n "$fpid" ]; then kill -TERM "$fpid"; wait "$fpid" || true; fpid=""; fi
done
