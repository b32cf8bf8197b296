#!/usr/bin/env bash
# Runs the standard workloads (bench/workloads.json) side by side in one run: for each workload in turn,
# llmforge-managed, llmforge-mkl, then torchsharp, each workload × implementation in a fresh process (its own
# peak RSS). JSON lines go to the results file (default bench/latest.jsonl), progress to stderr, and the
# Markdown table of README.md's Performance section to stdout.
#   usage: bash bench/side-by-side.sh [WORKLOAD ...]     (default: every workload of the file)
#   env:   RESULTS=path.jsonl to write elsewhere
set -uo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS:-bench/latest.jsonl}
dotnet build samples/Cli -c Release -v q -nologo >&2 || exit 1
dotnet build benchmarks/TorchSharpPeer -c Release -v q -nologo >&2 || exit 1
llmforge=samples/Cli/bin/Release/net10.0/llmforge
peer=benchmarks/TorchSharpPeer/bin/Release/net10.0/linux-x64/TorchSharpPeer
if [ $# -eq 0 ]; then
  set -- $(python3 -c 'import json; print(" ".join(json.load(open("bench/workloads.json"))["workloads"]))')
fi
: > "$results"
load() { echo "# $1: $(date -u +%FT%TZ), $(nproc) cores, load average $(uptime | sed 's/.*load average: //')" | tee -a "$results" >&2; }
load "before"
for workload in "$@"; do
  "$llmforge" bench --workload "$workload" --backend managed | tee -a "$results"
  "$llmforge" bench --workload "$workload" --backend mkl | tee -a "$results"
  "$peer" --workload "$workload" | tee -a "$results"
done >&2
load "after"
python3 bench/table.py "$results"
