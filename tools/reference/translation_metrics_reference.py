#!/usr/bin/python3
"""Golden corpus BLEU and chrF for LlmForge.Evaluation, from a plain-Python re-implementation of sacreBLEU's defaults.

sacreBLEU is not installable here, so its documented default algorithms are written out below (no sacreBLEU code):
  BLEU  : 13a tokenization (mteval-v13a: punctuation split off, '.' and ',' split unless between digits, '-' after a
          digit split), n-grams 1..4 clipped by the largest count in any reference, closest reference length (ties: the
          shorter), brevity penalty exp(1 - r/c) when c < r, smoothing 'exp' (the k-th order with no match counts
          100 / (2^k * total)), no effective order; an order with no n-gram at all makes the score 0.
  chrF  : character n-grams 1..6 with whitespace removed, no word n-grams, beta 2; per sentence the reference whose
          own chrF is best is kept; statistics summed over the corpus; precision and recall averaged over the orders
          present in both hypothesis and reference, then F-beta.
The C# tests also assert values published in sacreBLEU's README (BLEU 48.53, chrF2 59.73), which check this file too.

Usage (from the repository root):  /usr/bin/python3 tools/reference/translation_metrics_reference.py
Reads tests/LlmForge.Models.Tests/Fixtures/translation/pairs.tsv (French side = references), writes metrics-cases.json
next to it: several systems (perturbations of the references) with their BLEU statistics and chrF.
"""
import json
import math
import os
import re
from collections import Counter

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "LlmForge.Models.Tests", "Fixtures", "translation")


def tokenize_13a(line):
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    if "&" in line:
        line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    line = " " + line + " "
    line = re.sub(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])", r" \1 ", line)
    line = re.sub(r"([^0-9])([\.,])", r"\1 \2 ", line)
    line = re.sub(r"([\.,])([^0-9])", r" \1 \2", line)
    line = re.sub(r"([0-9])(-)", r"\1 \2 ", line)
    return " ".join(line.split())


def ngrams(words, n):
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def bleu(hyps, ref_streams):
    correct, total = [0] * 4, [0] * 4
    hyp_len = ref_len = 0
    for i, hyp in enumerate(hyps):
        h = tokenize_13a(hyp).split()
        refs = [tokenize_13a(stream[i]).split() for stream in ref_streams]
        hyp_len += len(h)
        closest = min(refs, key=lambda r: (abs(len(r) - len(h)), len(r)))
        ref_len += len(closest)
        for n in range(1, 5):
            max_ref = Counter()
            for r in refs:
                for g, c in ngrams(r, n).items():
                    max_ref[g] = max(max_ref[g], c)
            hg = ngrams(h, n)
            total[n - 1] += sum(hg.values())
            correct[n - 1] += sum(min(c, max_ref[g]) for g, c in hg.items())
    precisions = [0.0] * 4
    smooth = 1.0
    for n in range(4):
        if total[n] == 0:
            break
        if correct[n] == 0:
            smooth *= 2
            precisions[n] = 100.0 / (smooth * total[n])
        else:
            precisions[n] = 100.0 * correct[n] / total[n]
    bp = 1.0 if hyp_len >= ref_len else (math.exp(1 - ref_len / hyp_len) if hyp_len > 0 else 0.0)
    if hyp_len == 0 or min(precisions) <= 0:
        score = 0.0
    else:
        score = bp * math.exp(sum(math.log(p) for p in precisions) / 4)
    return {"score": score, "correct": correct, "total": total, "hyp_len": hyp_len, "ref_len": ref_len,
            "bp": bp, "precisions": precisions}


def char_stats(hyp, ref, order=6):
    hyp, ref = "".join(hyp.split()), "".join(ref.split())
    stats = []
    for n in range(1, order + 1):
        hg, rg = Counter(hyp[i:i + n] for i in range(len(hyp) - n + 1)), Counter(ref[i:i + n] for i in range(len(ref) - n + 1))
        stats += [sum(hg.values()), sum(rg.values()), sum(min(c, rg[g]) for g, c in hg.items())]
    return stats


def chrf_from_stats(stats, beta=2, order=6):
    factor = beta ** 2
    avg_p = avg_r = 0.0
    effective = 0
    for n in range(order):
        n_hyp, n_ref, n_match = stats[3 * n:3 * n + 3]
        avg_p += n_match / n_hyp if n_hyp > 0 else 0.0
        avg_r += n_match / n_ref if n_ref > 0 else 0.0
        effective += 1 if n_hyp > 0 and n_ref > 0 else 0
    if effective == 0:
        return 0.0
    avg_p, avg_r = avg_p / effective, avg_r / effective
    if avg_p + avg_r == 0:
        return 0.0
    return 100 * (1 + factor) * avg_p * avg_r / (factor * avg_p + avg_r)


def chrf(hyps, ref_streams):
    total = [0] * 18
    for i, hyp in enumerate(hyps):
        best, best_score = None, -1.0
        for stream in ref_streams:
            s = char_stats(hyp, stream[i])
            f = chrf_from_stats(s)
            if f > best_score:
                best, best_score = s, f
        total = [a + b for a, b in zip(total, best)]
    return chrf_from_stats(total)


def systems(refs):
    def drop_third(s):
        w = s.split()
        return " ".join(x for i, x in enumerate(w) if i % 3 != 2)

    def swap(s):
        w = s.split()
        if len(w) > 1:
            w[0], w[1] = w[1], w[0]
        return " ".join(w)

    return {
        "identical": list(refs),
        "drop-every-third-word": [drop_third(r) for r in refs],
        "swap-first-two-words": [swap(r) for r in refs],
        "lowercase-no-punctuation": [re.sub(r"[.,!?:;«»]", "", r).lower() for r in refs],
        "first-word-only": [r.split()[0] for r in refs],
        "shifted-by-one": refs[1:] + refs[:1],
    }


def main():
    with open(os.path.join(OUT, "pairs.tsv"), encoding="utf-8") as f:
        refs = [line.rstrip("\n").split("\t")[1] for line in f if line.strip()]
    cases = []
    for name, hyps in systems(refs).items():
        b = bleu(hyps, [refs])
        cases.append({"system": name, "hypotheses": hyps, "bleu": b, "chrf": chrf(hyps, [refs])})
        print(f"{name}: BLEU {b['score']:.4f}  chrF {cases[-1]['chrf']:.4f}")
    with open(os.path.join(OUT, "metrics-cases.json"), "w", encoding="utf-8") as f:
        json.dump({"references": refs, "systems": cases}, f, ensure_ascii=False, indent=1)
    # The README example of sacreBLEU, as a check of this file against published numbers.
    readme_refs = [["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
                   ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."]]
    readme_sys = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
    print("sacreBLEU README example: BLEU %.2f (published 48.53), chrF %.2f (published 59.73)"
          % (bleu(readme_sys, readme_refs)["score"], chrf(readme_sys, readme_refs)))


if __name__ == "__main__":
    main()
