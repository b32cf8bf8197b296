#!/usr/bin/env bash
# Runs the standard workloads (bench/workloads.json) side by side in one run: for each workload in turn,
# llmforge-managed, llmforge-mkl, then torchsharp, each workload × implementation in a fresh process (its own
# peak RSS). JSON lines go to the results file (default bench/latest.jsonl), progress to stderr, and the
# Markdown table of README.md's Performance section to stdout.
# The machine may be shared: for every run the results also record how many cores OTHER processes kept busy
# meanwhile (all CPU time in /proc/stat minus the run's own), the "other load" column of the table.
#   usage: bash bench/side-by-side.sh [WORKLOAD ...]     (default: every workload of the file the peer also runs)
#   env:   RESULTS=path.jsonl to write elsewhere; BF16=0 skips the extra llmforge-*-bf16 runs (bfloat16 weights) of the
#          inference workloads, INT8=0 the llmforge-*-int8 ones (q8_0 weights); TRIES=N (default 3): a workload whose runs were not all
#          clean (other load ≤ CLEAN, default 0.1 cores) is run again, up to N times in all; the table shows, per
#          workload and implementation, the run with the least other load
set -uo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS:-bench/latest.jsonl}
dotnet build samples/Cli -c Release -v q -nologo >&2 || exit 1
dotnet build benchmarks/TorchSharpPeer -c Release -v q -nologo >&2 || exit 1
llmforge=samples/Cli/bin/Release/net10.0/llmforge
peer=benchmarks/TorchSharpPeer/bin/Release/net10.0/linux-x64/TorchSharpPeer
if [ $# -eq 0 ]; then
  # every workload the peer has too (it mirrors GPT-2 and BERT; generate-llama and translate-marian are LlmForge's alone)
  set -- $(python3 -c 'import json; w = json.load(open("bench/workloads.json"))["workloads"]; print(" ".join(n for n in w if w[n]["model"]["architecture"] in ("gpt", "bert")))')
fi

# kind WORKLOAD: train, generate or encode, as the workloads file says
kind() { python3 -c 'import json, sys; print(json.load(open("bench/workloads.json"))["workloads"][sys.argv[1]]["kind"])' "$1"; }

hz=$(getconf CLK_TCK)
# wall seconds and busy CPU seconds of the whole machine (user + nice + system + irq + softirq)
snapshot() { echo "$(date +%s.%N) $(awk -v hz="$hz" '/^cpu /{print ($2+$3+$4+$7+$8)/hz}' /proc/stat)"; }
# CPU seconds (user + sys) of this shell's finished children, from bash's `times`; it must run in this shell
# itself (a subshell has no children yet), hence the file and no pipe or $( )
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
children_cpu() { awk 'NR == 2 {t=0; for(i=1;i<=2;i++){split($i,a,/[ms]/); t+=a[1]*60+a[2]} print t}' "$times_file"; }

# run IMPL WORKLOAD COMMAND...: one measurement, then a "# other-load" line for it
run() {
  local impl=$1 workload=$2; shift 2
  local t0 b0 c0 t1 b1 c1
  times > "$times_file"; c0=$(children_cpu); read -r t0 b0 < <(snapshot)
  "$@" | tee -a "$results"
  read -r t1 b1 < <(snapshot); times > "$times_file"; c1=$(children_cpu)
  awk -v impl="$impl" -v w="$workload" -v dt="$(echo "$t1 $t0" | awk '{print $1-$2}')" \
      -v busy="$(echo "$b1 $b0" | awk '{print $1-$2}')" -v own="$(echo "$c1 $c0" | awk '{print $1-$2}')" \
      'BEGIN{o=(busy-own)/dt; if(o<0)o=0; printf "# other-load %s %s %.2f\n", impl, w, o}' | tee -a "$results"
  other=$(tail -1 "$results" | awk '{print $NF}')
}

: > "$results"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), started $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results" >&2
clean=${CLEAN:-0.1}
for workload in "$@"; do
  for try in $(seq "${TRIES:-3}"); do
    disturbed=0
    run llmforge-managed "$workload" "$llmforge" bench --workload "$workload" --backend managed
    awk -v o="$other" -v c="$clean" 'BEGIN{exit !(o > c)}' && disturbed=1
    run llmforge-mkl "$workload" "$llmforge" bench --workload "$workload" --backend mkl
    awk -v o="$other" -v c="$clean" 'BEGIN{exit !(o > c)}' && disturbed=1
    run torchsharp "$workload" "$peer" --workload "$workload"
    awk -v o="$other" -v c="$clean" 'BEGIN{exit !(o > c)}' && disturbed=1
    if [ "${BF16:-1}" = 1 ] && [ "$(kind "$workload")" != train ]; then
      run llmforge-managed-bf16 "$workload" "$llmforge" bench --workload "$workload" --backend managed --weights bf16
      awk -v o="$other" -v c="$clean" 'BEGIN{exit !(o > c)}' && disturbed=1
      run llmforge-mkl-bf16 "$workload" "$llmforge" bench --workload "$workload" --backend mkl --weights bf16
      awk -v o="$other" -v c="$clean" 'BEGIN{exit !(o > c)}' && disturbed=1
    fi
    if [ "${INT8:-1}" = 1 ] && [ "$(kind "$workload")" != train ]; then
      run llmforge-managed-int8 "$workload" "$llmforge" bench --workload "$workload" --backend managed --weights int8
      awk -v o="$other" -v c="$clean" 'BEGIN{exit !(o > c)}' && disturbed=1
      run llmforge-mkl-int8 "$workload" "$llmforge" bench --workload "$workload" --backend mkl --weights int8
      awk -v o="$other" -v c="$clean" 'BEGIN{exit !(o > c)}' && disturbed=1
    fi
    [ "$disturbed" = 0 ] && break
    echo "side-by-side: $workload was disturbed by other processes (try $try)"
  done
done >&2
python3 bench/table.py "$results"
