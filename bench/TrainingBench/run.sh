#!/usr/bin/env bash
# Training benchmark (docs/PERFORMANCE.md, "Training"): LightGbm on 100k, 1M and all January–May rows of flights-3m,
# holdout June, the product's pipeline under a 256 MB managed-heap cap against the textbook in-memory pipeline, then
# the per-trainer AUC on January (flights-20k and flights-3m). Each case runs in its own child process.
# The data (about 150 MB of CSV) is written to DIR on first use. Extra arguments go to the bench, e.g.
#   bench/TrainingBench/run.sh --sizes 100k          (a quick run)
#   DIR=/data/trainbench bench/TrainingBench/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dotnet build bench/TrainingBench/TrainingBench.csproj -c Release -v q -nologo
exec bench/TrainingBench/bin/Release/net10.0/TrainingBench \
  --dir "${DIR:-${TMPDIR:-/tmp}/trainbench}" \
  --contract samples/flights/contract.json --spec samples/flights/training.json \
  --heap-limit 0x10000000 --streaming --trainers "$@"
