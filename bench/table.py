#!/usr/bin/env python3
"""Markdown table of benchmark JSON lines (llmforge bench, TorchSharpPeer): one row per workload and
implementation, with tokens/s relative to torchsharp's on the same workload.

usage: table.py RESULTS.jsonl"""
import json
import sys

IMPLS = ["llmforge-managed", "llmforge-mkl", "torchsharp"]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    lines = [line.strip() for line in open(sys.argv[1])]
    rows = [json.loads(line) for line in lines if line.startswith("{")]
    notes = [line.lstrip("# ") for line in lines if line.startswith("#")]
    workloads = list(dict.fromkeys(r["workload"] for r in rows))
    print("| workload | impl | tokens/s | × torchsharp | step ms (median) | peak RSS MB | alloc bytes/step | threads |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for w in workloads:
        by_impl = {r["impl"]: r for r in rows if r["workload"] == w}
        peer = by_impl.get("torchsharp")
        for impl in IMPLS + sorted(set(by_impl) - set(IMPLS)):
            r = by_impl.get(impl)
            if r is None:
                print(f"| {w} | {impl} | did not run | | | | | |")
                continue
            ratio = f"{r['tokens_per_s'] / peer['tokens_per_s']:.2f}" if peer else ""
            print(f"| {w} | {impl} | {r['tokens_per_s']:,.1f} | {ratio} | {r['step_ms_median']:,.1f} | "
                  f"{r['peak_rss_mb']:,.0f} | {r['alloc_bytes_per_step']:,} | {r['threads']} |")
    if notes:
        print()
        print("Machine load: " + "; ".join(notes) + ".")


if __name__ == "__main__":
    main()
