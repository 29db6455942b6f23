#!/usr/bin/env bash
# Reproduces docs/PERFORMANCE.md, "Scoring": the real scoring app (/score) against the HTTP floor
# (/bench/floor) and the ML.NET peer (/bench/peer), on loopback, wrk in a separate process.
# Server pinned to core $SERVER_CPU, wrk to core $WRK_CPU; every run after a warm-up, $ROUNDS rounds
# interleaved (round 1 of every endpoint and scenario, then round 2, ...), medians reported.
# Needs wrk from Debian (apt-get update && apt-get install -y wrk), taskset, the .NET SDK and Node (Azurite).
# Extra arguments go to the server, e.g.: run.sh --set Scoring:Batching:Enabled=false, or run.sh --iterations 30
# (a model of 30 trees instead of the sample spec's 100). ONLY=single-c16 runs only the scenarios matching it.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-5080}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
ONLY=${ONLY:-}
OUT=${OUT:-$(mktemp -d /tmp/mlops-scoring-bench.XXXXXX)}
BENCH=bench/ScoringBench
DLL=$BENCH/bin/Release/net10.0/ScoringBench.dll

command -v wrk >/dev/null || { echo "wrk is missing: apt-get update && apt-get install -y wrk" >&2; exit 1; }
dotnet build -c Release $BENCH -nologo -v q >/dev/null

taskset -c "$SERVER_CPU" dotnet $DLL serve --port "$PORT" --out "$OUT" "$@" >"$OUT/server.log" 2>&1 &
SERVER=$!
stop() { kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 180); do
  grep -q '^READY' "$OUT/server.log" 2>/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
  sleep 1
done
grep '^READY' "$OUT/server.log" || { echo "the server did not get ready in 180 s" >&2; cat "$OUT/server.log" >&2; exit 1; }

# scenario: name, bodies file, connections
SCENARIOS=()
for s in "single-c16 single.txt 16" "single-c1 single.txt 1" "batch100-c16 batch100.txt 16"; do
  [[ -z "$ONLY" || "${s%% *}" =~ $ONLY ]] && SCENARIOS+=("$s")
done
ENDPOINTS=("score /score" "floor /bench/floor" "peer /bench/peer")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }   # server user+system time, in clock ticks
batching() { curl -s "http://127.0.0.1:$PORT/bench/batching"; }
TICK=$(getconf CLK_TCK)

run() { # run <duration> <round> <scenario...> <endpoint...>: one RESULT line, with the server's CPU time per request
  local duration=$1 round=$2 scenario=$3 bodies=$4 connections=$5 endpoint=$6 path=$7 before after batched
  before=$(cpu_ticks); batched=$(batching)
  taskset -c "$WRK_CPU" wrk -t1 -c"$connections" -d"$duration" --latency -s $BENCH/post.lua \
    "http://127.0.0.1:$PORT$path" -- "$OUT/$bodies" | grep '^RESULT' | sed "s|^RESULT|$scenario $endpoint $round|" >"$OUT/last.txt"
  after=$(cpu_ticks)
  echo "$(cat "$OUT/last.txt") cpu_s=$(awk -v t=$((after - before)) -v hz="$TICK" 'BEGIN {printf "%.2f", t / hz}') $batched $(batching | sed 's/calls=/calls_after=/; s/batched=/batched_after=/')"
}

echo "warm-up: $WARMUP per endpoint and scenario"
for s in "${SCENARIOS[@]}"; do for e in "${ENDPOINTS[@]}"; do
  # shellcheck disable=SC2086
  run "$WARMUP" 0 $s $e >/dev/null
done; done

: >"$OUT/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  for s in "${SCENARIOS[@]}"; do for e in "${ENDPOINTS[@]}"; do
    # shellcheck disable=SC2086
    run "$DURATION" "$round" $s $e | tee -a "$OUT/results.txt"
  done; done
done

dotnet $DLL report "$OUT/results.txt"
echo "raw results: $OUT/results.txt"
