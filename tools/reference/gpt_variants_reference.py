#!/usr/bin/python3
"""Golden reference fixtures for LlmForge's pluggable components: tiny GPTs whose positions, attention or
norms differ from GPT-2's, in plain PyTorch.

The model is gpt2_reference.py's GPT-2 mirror (same tensor names, Conv1D [in, out] layouts, pre-LN blocks,
GELU tanh) with the parts LlmForge makes pluggable swapped by config.json's LlmForge keys:

- position_embedding_type "absolute" (learned wpe), "sinusoidal" (the original transformer's table, sin on even
  and cos on odd dimensions, added to the embeddings, no wpe) or "rotary" (Hugging Face Llama's rotate_half
  RoPE on q and k of every head, rope_theta, no wpe);
- sliding_window W: query i sees keys j with i - W < j <= i (Mistral);
- normalization "layernorm" or "rmsnorm" (x * rsqrt(mean(x^2) + eps) * weight, no bias).

Usage (from the repository root):  /usr/bin/python3 tools/reference/gpt_variants_reference.py
Writes tests/LlmForge.Models.Tests/Fixtures/<variant>/ for each variant in VARIANTS.
Also usable as a library: `forward_logits(model_dir, ids)` runs any LlmForge GPT directory (compare_forward.py).
"""
import copy
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_reference import (BATCH, FIXTURES, SEQ, Conv1D, gelu_new, hf_config, init_weights, loss_fn,  # noqa: E402
                            write_json, write_safetensors)

GRAD_NAMES = ["transformer.wte.weight", "transformer.h.0.attn.c_attn.weight", "transformer.h.1.attn.c_proj.weight",
              "transformer.h.1.mlp.c_proj.bias", "transformer.h.0.ln_1.weight", "transformer.ln_f.weight", "lm_head.weight"]

# name -> (LlmForge config keys, seed); every one: vocab 61, n_positions 16, n_embd 24, 2 layers, 3 heads (hs 8)
VARIANTS = {
    "gpt-sinusoidal": (dict(position_embedding_type="sinusoidal"), 2001),
    "gpt-rope": (dict(position_embedding_type="rotary", rope_theta=10000.0), 2002),
    "gpt-rope-sliding-window": (dict(position_embedding_type="rotary", rope_theta=100.0, sliding_window=4), 2003),
    "gpt-rmsnorm": (dict(normalization="rmsnorm", layer_norm_epsilon=1e-6), 2004),
}

# ----------------------------------------------------------------------------- the model


class RmsNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def norm(cfg):
    if cfg["normalization"] == "rmsnorm":
        return RmsNorm(cfg["n_embd"], cfg["layer_norm_epsilon"])
    return nn.LayerNorm(cfg["n_embd"], eps=cfg["layer_norm_epsilon"])


def rotary_tables(seq, head_dim, theta, dtype):
    """HF Llama's rotary embedding: cos, sin (T, hs) with each frequency repeated in both halves."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))
    freqs = torch.outer(torch.arange(seq).float(), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def sinusoidal_table(n_pos, dim):
    """PE[t, 2i] = sin(t / 10000^(2i/C)), PE[t, 2i+1] = cos(t / 10000^(2i/C))."""
    position = torch.arange(n_pos, dtype=torch.float64).unsqueeze(1)
    div = torch.pow(10000.0, torch.arange(0, dim, 2, dtype=torch.float64) / dim)
    pe = torch.zeros(n_pos, dim, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(position / div)
    pe[:, 1::2] = torch.cos(position / div[: dim // 2])
    return pe


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["n_embd"]
        self.n_head = cfg["n_head"]
        self.rotary = cfg["position_embedding_type"] == "rotary"
        self.theta = cfg["rope_theta"]
        self.window = cfg["sliding_window"]
        self.c_attn = Conv1D(c, 3 * c, bias=cfg["qkv_bias"])
        self.c_proj = Conv1D(c, c)

    def forward(self, x):  # x: (B, T, C)
        b, t, c = x.shape
        hs = c // self.n_head
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, hs).transpose(1, 2) for z in (q, k, v))  # (B, nh, T, hs)
        if self.rotary:
            cos, sin = rotary_tables(t, hs, self.theta, x.dtype)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hs)  # (B, nh, T, T)
        i = torch.arange(t).unsqueeze(1)
        j = torch.arange(t).unsqueeze(0)
        visible = j <= i
        if self.window is not None:
            visible = visible & (j > i - self.window)
        att = att.masked_fill(~visible, torch.finfo(att.dtype).min)
        y = F.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))


class Mlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        inner = cfg["n_inner"] or 4 * cfg["n_embd"]
        self.c_fc = Conv1D(cfg["n_embd"], inner)
        self.c_proj = Conv1D(inner, cfg["n_embd"])

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln_1 = norm(cfg)
        self.attn = Attention(cfg)
        self.ln_2 = norm(cfg)
        self.mlp = Mlp(cfg)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GptVariant(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.positions = cfg["position_embedding_type"]
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(cfg["vocab_size"], cfg["n_embd"])
        if self.positions == "absolute":
            self.transformer.wpe = nn.Embedding(cfg["n_positions"], cfg["n_embd"])
        elif self.positions == "sinusoidal":
            self.register_buffer("pe", sinusoidal_table(cfg["n_positions"], cfg["n_embd"]).float(), persistent=False)
        self.transformer.h = nn.ModuleList(Block(cfg) for _ in range(cfg["n_layer"]))
        self.transformer.ln_f = norm(cfg)
        self.lm_head = nn.Linear(cfg["n_embd"], cfg["vocab_size"], bias=False)
        if cfg["tie_word_embeddings"]:
            self.lm_head.weight = self.transformer.wte.weight

    def forward(self, ids):  # ids (B, T) -> logits (B, T, V)
        t = ids.shape[1]
        x = self.transformer.wte(ids)
        if self.positions == "absolute":
            x = x + self.transformer.wpe(torch.arange(t))
        elif self.positions == "sinusoidal":
            x = x + self.pe[:t].to(x.dtype)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))

# ----------------------------------------------------------------------------- loading a model directory


def read_safetensors(path):
    """safetensors (F32 only, which is all LlmForge writes) -> {name: float32 tensor}."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {entry['dtype']}; this reader handles F32 only")
        start, end = entry["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[start:end], dtype="<f4").copy().reshape(entry["shape"]))
    return out


def full_config(cfg):
    """config.json keys with LlmForge's defaults filled in."""
    cfg = dict(cfg)
    for key, value in dict(n_inner=None, layer_norm_epsilon=1e-5, qkv_bias=True, tie_word_embeddings=True,
                           position_embedding_type="absolute", rope_theta=10000.0, sliding_window=None,
                           normalization="layernorm").items():
        cfg.setdefault(key, value)
    if cfg["position_embedding_type"] == "rope":
        cfg["position_embedding_type"] = "rotary"
    if cfg.get("activation_function", "gelu_new") not in ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"):
        raise ValueError("this reference implements GELU tanh (gelu_new) only")
    return cfg


def load_model(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = full_config(json.load(f))
    model = GptVariant(cfg)
    weights = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    missing, unexpected = model.load_state_dict(weights, strict=False)
    missing = [m for m in missing if not (m == "lm_head.weight" and cfg["tie_word_embeddings"])]
    if missing or unexpected:
        raise ValueError(f"{model_dir}: missing {missing}, unexpected {unexpected}")
    return model.eval()


def forward_logits(model_dir, ids):
    with torch.no_grad():
        return load_model(model_dir)(torch.tensor(ids, dtype=torch.long)).numpy()

# ----------------------------------------------------------------------------- fixtures


def make_variant_fixture(name, keys, seed):
    out_dir = os.path.join(FIXTURES, name)
    os.makedirs(out_dir, exist_ok=True)
    cfg = hf_config(61, 16, 24, 2, 3, n_inner=40, tied=name == "gpt-rope")
    cfg.update(keys)
    torch.manual_seed(seed)
    model = GptVariant(cfg)
    init_weights(model, seed)
    g = torch.Generator().manual_seed(seed + 1)
    tokens = torch.randint(0, cfg["vocab_size"], (BATCH, SEQ + 1), generator=g)
    ids, targets = tokens[:, :-1], tokens[:, 1:]

    write_json(os.path.join(out_dir, "config.json"), cfg)
    write_safetensors(os.path.join(out_dir, "model.safetensors"),
                      {n: p.detach().clone() for n, p in model.named_parameters()}, {"format": "pt"})
    write_json(os.path.join(out_dir, "input.json"), {"input_ids": ids.tolist()})
    write_json(os.path.join(out_dir, "targets.json"), {"targets": targets.tolist()})

    logits = model(ids)
    with torch.no_grad():  # self-checks: causal, and the window's reach through 2 layers
        changed = ids.clone()
        changed[:, -1] = (changed[:, -1] + 1) % cfg["vocab_size"]
        assert torch.equal(model(changed)[:, :-1], logits[:, :-1])
        if cfg["sliding_window"]:
            reach = cfg["n_layer"] * (cfg["sliding_window"] - 1)  # position p sees tokens p - reach .. p
            changed = ids.clone()
            changed[:, 0] = (changed[:, 0] + 1) % cfg["vocab_size"]
            moved = (model(changed) - logits).abs().amax(dim=(0, 2))
            assert torch.all(moved[reach + 1:] == 0) and moved[reach] > 0, moved
    loss = loss_fn(logits, targets)
    loss.backward()
    np.save(os.path.join(out_dir, "logits.npy"), logits.detach().numpy().astype("<f4"))
    params = dict(model.named_parameters())
    grad_names = [n for n in GRAD_NAMES if n in params]
    write_safetensors(os.path.join(out_dir, "grads.safetensors"), {n: params[n].grad for n in grad_names})

    model64 = copy.deepcopy(model).double()
    model64.zero_grad()
    loss64 = loss_fn(model64(ids), targets)
    loss64.backward()
    params64 = dict(model64.named_parameters())
    write_json(os.path.join(out_dir, "loss.json"), {
        "loss": loss.item(), "loss_float64": loss64.item(),
        "logits_max_abs_diff_float32_vs_float64": (logits.double() - model64(ids)).abs().max().item(),
        "grads_max_abs_diff_float32_vs_float64": {
            n: (params[n].grad.double() - params64[n].grad).abs().max().item() for n in grad_names},
    })
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write(README.format(name=name, seed=seed, keys=json.dumps(keys), tied=json.dumps(cfg["tie_word_embeddings"]),
                              grads=", ".join(grad_names)))


README = """# {name}: golden fixture of a GPT variant

Generated by `tools/reference/gpt_variants_reference.py` (seed {seed}); do not edit by hand, regenerate.
The GPT-2 mirror of `gpt2_reference.py` (vocab 61, n_positions 16, n_embd 24, 2 layers, 3 heads of 8, n_inner 40,
GELU tanh, qkv bias, tie_word_embeddings {tied}, dropout 0) with these config.json keys changed: `{keys}`.

- Weights: N(0, 0.2), norm gains 1 + N(0, 0.2). `model.safetensors` holds only what the variant has: no
  `transformer.wpe.weight` without learned positions, no `ln_*.bias` with RMSNorm.
- `input.json` input_ids [2, 11], `targets.json` the next tokens; `logits.npy` float32 [2, 11, 61];
  `loss.json` the mean cross-entropy (also float64, with the float32-vs-float64 differences).
- `grads.safetensors`: gradients of the loss at these weights: {grads}.
"""


def main():
    torch.set_num_threads(1)
    total = 0
    for name, (keys, seed) in VARIANTS.items():
        make_variant_fixture(name, keys, seed)
        for f in os.listdir(os.path.join(FIXTURES, name)):
            total += os.path.getsize(os.path.join(FIXTURES, name, f))
    print(f"wrote {len(VARIANTS)} variant fixtures under {FIXTURES}: {total / 1024:.1f} KB")


if __name__ == "__main__":
    main()
