#!/usr/bin/python3
"""Compares `llmforge forward` logits with PyTorch's for any LlmForge GPT directory (every variant).

Usage:
    /usr/bin/python3 tools/reference/compare_forward.py --model DIR --input input.json --logits ours.npy [--tolerance 1e-4]

Loads DIR/config.json + DIR/model.safetensors into the PyTorch mirror of gpt_variants_reference.py (learned,
sinusoidal or rotary positions, sliding window, LayerNorm or RMSNorm), runs input.json's input_ids, and prints
the max absolute difference from ours.npy. Exit code 1 when it exceeds the tolerance.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt_variants_reference import forward_logits  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--logits", required=True)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    torch.set_num_threads(1)
    with open(args.input) as f:
        ids = json.load(f)["input_ids"]
    reference = forward_logits(args.model, ids)
    ours = np.load(args.logits)
    if ours.shape != reference.shape:
        print(f"shape {ours.shape} != PyTorch's {reference.shape}")
        return 1
    error = float(np.abs(ours.astype(np.float64) - reference.astype(np.float64)).max())
    with open(os.path.join(args.model, "config.json")) as f:
        cfg = json.load(f)
    described = ", ".join(f"{k}={cfg.get(k)}" for k in ("position_embedding_type", "rope_theta", "sliding_window", "normalization"))
    print(f"{args.model}: {described}; logits {list(ours.shape)} max abs error vs PyTorch {error:.3e}")
    return 0 if error <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
