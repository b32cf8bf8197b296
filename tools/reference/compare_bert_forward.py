#!/usr/bin/python3
"""Compares `llmforge forward` masked-LM logits with PyTorch's for an LlmForge (or Hugging Face) BERT directory.

Usage:
    /usr/bin/python3 tools/reference/compare_bert_forward.py --model DIR --input input.json --logits ours.npy [--tolerance 1e-4]

The BERT sibling of compare_forward.py: loads DIR/config.json + DIR/model.safetensors into the plain-PyTorch BERT of
bert_reference.py (learned absolute positions, LayerNorm, post- or pre-LN, exact-erf GELU; the variants it mirrors),
runs input.json's input_ids (with its attention_mask and token_type_ids when given), and prints the max absolute
difference of the MLM logits from ours.npy. Exit code 1 when it exceeds the tolerance.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_reference import Bert  # noqa: E402
from gpt_variants_reference import read_safetensors  # noqa: E402

# The heads the reference always builds; a masked-LM checkpoint has neither.
OPTIONAL = ("bert.pooler.", "classifier.")


def load_model(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    cfg.setdefault("layer_norm_position", "post")
    unsupported = {k: cfg.get(k, d) for k, d in (("position_embedding_type", "absolute"), ("normalization", "layernorm"),
                                                ("hidden_act", "gelu")) if cfg.get(k, d) != d}
    if unsupported:
        raise ValueError(f"{model_dir}: the reference BERT implements absolute positions, layernorm and gelu only; got {unsupported}")
    model = Bert(cfg, max(1, len(cfg.get("id2label") or {})))
    missing, unexpected = model.load_state_dict(read_safetensors(os.path.join(model_dir, "model.safetensors")), strict=False)
    missing = [m for m in missing if not m.startswith(OPTIONAL)]
    if missing or unexpected:
        raise ValueError(f"{model_dir}: missing {missing}, unexpected {unexpected}")
    return model.eval(), cfg


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--logits", required=True)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    torch.set_num_threads(1)
    with open(args.input) as f:
        batch = json.load(f)
    ids = torch.tensor(batch["input_ids"], dtype=torch.long)
    mask = torch.tensor(batch.get("attention_mask", torch.ones_like(ids).tolist()), dtype=torch.long)
    types = torch.tensor(batch.get("token_type_ids", torch.zeros_like(ids).tolist()), dtype=torch.long)
    model, cfg = load_model(args.model)
    with torch.no_grad():
        reference = model(ids, types, mask)[2].numpy()
    ours = np.load(args.logits)
    if ours.shape != reference.shape:
        print(f"shape {ours.shape} != PyTorch's {reference.shape}")
        return 1
    error = float(np.abs(ours.astype(np.float64) - reference.astype(np.float64)).max())
    described = ", ".join(f"{k}={cfg.get(k)}" for k in ("position_embedding_type", "layer_norm_position", "normalization"))
    print(f"{args.model}: {described}; MLM logits {list(ours.shape)} max abs error vs PyTorch {error:.3e}")
    return 0 if error <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
