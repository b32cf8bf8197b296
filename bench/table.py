#!/usr/bin/env python3
"""Markdown table of benchmark results (the JSON lines of llmforge bench and TorchSharpPeer, plus the
"# other-load IMPL WORKLOAD N" and "# machine: …" lines bench/side-by-side.sh adds): one row per workload and
implementation, tokens/s relative to torchsharp's on the same workload, and how many cores other processes
kept busy during that run.

usage: table.py RESULTS.jsonl"""
import json
import sys

IMPLS = ["llmforge-managed", "llmforge-mkl", "torchsharp"]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    lines = [line.strip() for line in open(sys.argv[1])]
    # Each run is its JSON line (none if it failed) followed by "# other-load IMPL WORKLOAD N"; with several
    # rounds, keep per (impl, workload) the run other processes disturbed least.
    best, pending = {}, {}
    for line in lines:
        if line.startswith("{"):
            r = json.loads(line)
            pending[(r["impl"], r["workload"])] = r
        elif line.startswith("# other-load "):
            _, _, impl, workload, load = line.split()
            key, load = (impl, workload), float(load)
            run = (pending.pop(key, None), load)
            # a run that printed a result beats one that failed; then the least other load wins
            if key not in best or (run[0] is None, run[1]) < (best[key][0] is None, best[key][1]):
                best[key] = run
    rows = [r for r, _ in best.values() if r is not None]
    other = {key: load for key, (_, load) in best.items()}
    machine = [line[len("# machine: "):] for line in lines if line.startswith("# machine: ")]

    workloads = list(dict.fromkeys([r["workload"] for r in rows] + [w for _, w in other]))
    print("| workload | impl | tokens/s | × torchsharp | step ms (median) | peak RSS MB | alloc bytes/step | threads | other load |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for w in workloads:
        by_impl = {r["impl"]: r for r in rows if r["workload"] == w}
        peer = by_impl.get("torchsharp")
        for impl in IMPLS + sorted(set(by_impl) - set(IMPLS)):
            load = f"{other[(impl, w)]:.2f}" if (impl, w) in other else ""
            r = by_impl.get(impl)
            if r is None:
                print(f"| {w} | {impl} | did not run | | | | | | {load} |")
                continue
            ratio = f"{r['tokens_per_s'] / peer['tokens_per_s']:.2f}" if peer else ""
            print(f"| {w} | {impl} | {r['tokens_per_s']:,.1f} | {ratio} | {r['step_ms_median']:,.1f} | "
                  f"{r['peak_rss_mb']:,.0f} | {r['alloc_bytes_per_step']:,} | {r['threads']} | {load} |")
    if machine:
        print()
        print("Machine: " + "; ".join(machine) + ".")


if __name__ == "__main__":
    main()
