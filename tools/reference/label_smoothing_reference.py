#!/usr/bin/python3
"""Golden label-smoothed cross-entropy for F.SmoothedCrossEntropy, from PyTorch itself.

torch.nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=eps) (mean reduction) on seeded random logits [B, T, V]
with some ignored targets, for several eps; writes the logits, targets, loss and d loss / d logits of each case.

Usage (from the repository root):  /usr/bin/python3 tools/reference/label_smoothing_reference.py
Writes tests/LlmForge.Models.Tests/Fixtures/training/label-smoothing.json.
"""
import json
import os

import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "LlmForge.Models.Tests", "Fixtures", "training")


def case(seed, shape, ignored, eps):
    g = torch.Generator().manual_seed(seed)
    logits = (torch.randn(*shape, generator=g, dtype=torch.float64) * 2.0).float()
    vocab = shape[-1]
    targets = torch.randint(0, vocab, shape[:-1], generator=g)
    flat = targets.reshape(-1)
    for i in ignored:
        flat[i] = -100
    x = logits.clone().requires_grad_(True)
    loss = torch.nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=eps)(x.reshape(-1, vocab), flat)
    loss.backward()
    return {
        "shape": list(shape), "label_smoothing": eps,
        "logits": [float(v) for v in logits.reshape(-1)], "targets": [int(t) for t in flat],
        "loss": float(loss), "grad": [float(v) for v in x.grad.reshape(-1)],
    }


def main():
    cases = [case(1, (2, 3, 11), [2, 5], 0.1), case(2, (4, 5, 7), [0, 7, 8, 19], 0.2), case(3, (1, 6, 13), [], 0.0),
             case(4, (3, 2, 5), [1], 0.9)]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "label-smoothing.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
