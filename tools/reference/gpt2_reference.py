#!/usr/bin/python3
"""Golden reference fixtures for LlmForge's tests, from a tiny GPT-2 in plain PyTorch.

The `transformers` package is not available here, so GPT2LMHeadModel's math is re-implemented below
(~80 lines) with the same parameter names and layouts as Hugging Face: Conv1D weights stored
[in, out], pre-LN blocks, GELU tanh ("gelu_new"), causal attention scaled by 1/sqrt(head_dim),
final ln_f, lm_head tied to wte or not. Dropout is left out: every fixture uses drop rates 0.

Usage (from the repository root):  /usr/bin/python3 tools/reference/gpt2_reference.py
Writes tests/LlmForge.Models.Tests/Fixtures/{gpt2-tiny,gpt2-tiny-tied,safetensors,npy}/.
"""
import copy
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "LlmForge.Models.Tests", "Fixtures")

BATCH, SEQ = 2, 11
ADAMW = dict(lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
ADAMW_STEPS = 5
INIT_STD = 0.2
GRAD_NAMES = ["transformer.wte.weight", "transformer.h.0.attn.c_attn.weight",
              "transformer.h.1.mlp.c_proj.bias", "transformer.ln_f.weight", "lm_head.weight"]

# ----------------------------------------------------------------------------- the model


class Conv1D(nn.Module):
    """HF's Conv1D: a linear layer whose weight is stored [in, out], y = x @ W + b."""

    def __init__(self, n_in, n_out, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.empty(n_out)) if bias else None

    def forward(self, x):
        y = x @ self.weight
        return y if self.bias is None else y + self.bias


def gelu_new(x):  # HF NewGELUActivation, the GPT-2 tanh approximation
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["n_embd"]
        self.n_head = cfg["n_head"]
        self.c_attn = Conv1D(c, 3 * c, bias=cfg["qkv_bias"])  # q, k, v concatenated on the output axis
        self.c_proj = Conv1D(c, c)

    def forward(self, x):  # x: (B, T, C)
        b, t, c = x.shape
        hs = c // self.n_head
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, hs).transpose(1, 2) for z in (q, k, v))  # (B, nh, T, hs)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hs)  # (B, nh, T, T)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        att = att.masked_fill(~causal, torch.finfo(att.dtype).min)
        y = F.softmax(att, dim=-1) @ v  # (B, nh, T, hs)
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
        eps = cfg["layer_norm_epsilon"]
        self.ln_1 = nn.LayerNorm(cfg["n_embd"], eps=eps)
        self.attn = Attention(cfg)
        self.ln_2 = nn.LayerNorm(cfg["n_embd"], eps=eps)
        self.mlp = Mlp(cfg)

    def forward(self, x):  # pre-LN residual block
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Gpt2LMHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(cfg["vocab_size"], cfg["n_embd"])
        self.transformer.wpe = nn.Embedding(cfg["n_positions"], cfg["n_embd"])
        self.transformer.h = nn.ModuleList(Block(cfg) for _ in range(cfg["n_layer"]))
        self.transformer.ln_f = nn.LayerNorm(cfg["n_embd"], eps=cfg["layer_norm_epsilon"])
        self.lm_head = nn.Linear(cfg["n_embd"], cfg["vocab_size"], bias=False)  # weight [V, C]
        if cfg["tie_word_embeddings"]:
            self.lm_head.weight = self.transformer.wte.weight

    def forward(self, ids):  # ids: (B, T) → logits (B, T, V)
        pos = torch.arange(ids.shape[1])
        x = self.transformer.wte(ids) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


def init_weights(model, seed):
    """N(0, INIT_STD) everywhere, LayerNorm gains 1 + N(0, INIT_STD): values far from 0 and 1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g) * INIT_STD
            p.copy_(1.0 + noise if ".ln_" in name and name.endswith(".weight") else noise)


def loss_fn(logits, targets):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

# ----------------------------------------------------------------------------- file writers


ST_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
             torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32"}


def write_safetensors(path, tensors, metadata=None):
    """safetensors: u64 LE header length, JSON header (space-padded to 8 bytes), packed LE data."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def state(model):
    """HF names → float32 tensors; a tied lm_head.weight is left out, as save_pretrained does."""
    return {n: p.detach().clone() for n, p in model.named_parameters()}

# ----------------------------------------------------------------------------- fixtures


def hf_config(vocab, n_pos, n_embd, n_layer, n_head, n_inner, tied):
    return {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
        "vocab_size": vocab, "n_positions": n_pos, "n_embd": n_embd, "n_layer": n_layer,
        "n_head": n_head, "n_inner": n_inner, "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-05, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
        "initializer_range": INIT_STD, "bos_token_id": vocab - 1, "eos_token_id": vocab - 1,
        "tie_word_embeddings": tied, "qkv_bias": True, "position_embedding_type": "absolute",
        "rope_theta": 10000.0, "sliding_window": None, "normalization": "layernorm",
    }


def make_gpt2_fixture(out_dir, cfg, seed):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(seed)
    model = Gpt2LMHead(cfg)
    init_weights(model, seed)
    g = torch.Generator().manual_seed(seed + 1)
    tokens = torch.randint(0, cfg["vocab_size"], (BATCH, SEQ + 1), generator=g)
    ids, targets = tokens[:, :-1], tokens[:, 1:]  # next-token targets

    write_json(os.path.join(out_dir, "config.json"), cfg)
    weights = state(model)
    write_safetensors(os.path.join(out_dir, "model.safetensors"), weights, {"format": "pt"})
    write_json(os.path.join(out_dir, "model_stats.json"), {
        n: {"shape": list(t.shape), "sum": t.double().sum().item(), "sum_of_squares": (t.double() ** 2).sum().item()}
        for n, t in weights.items()})
    write_json(os.path.join(out_dir, "input.json"), {"input_ids": ids.tolist()})
    write_json(os.path.join(out_dir, "targets.json"), {"targets": targets.tolist()})
    np.save(os.path.join(out_dir, "input_ids.npy"), ids.numpy().astype("<i8"))

    # forward + backward in float32, as the C# side computes
    logits = model(ids)
    changed = ids.clone()
    changed[:, -1] = (changed[:, -1] + 1) % cfg["vocab_size"]
    with torch.no_grad():  # self-check: causal, the last token cannot move earlier logits
        assert torch.equal(model(changed)[:, :-1], logits[:, :-1])
    loss = loss_fn(logits, targets)
    loss.backward()
    np.save(os.path.join(out_dir, "logits.npy"), logits.detach().numpy().astype("<f4"))
    params = dict(model.named_parameters())
    grad_names = [n for n in GRAD_NAMES if n in params]
    write_safetensors(os.path.join(out_dir, "grads.safetensors"), {n: params[n].grad for n in grad_names})

    # bfloat16 linear weights (LlmForge's UseBFloat16Weights): every Conv1D weight and the LM head rounded with
    # torch's .bfloat16(); the embedding tables, norms and biases stay float32 (a tied head gets its own copy)
    with torch.no_grad():
        model_bf16 = copy.deepcopy(model)
        for module in model_bf16.modules():
            if isinstance(module, Conv1D):
                module.weight.copy_(module.weight.bfloat16().float())
        model_bf16.lm_head.weight = nn.Parameter(model.lm_head.weight.detach().bfloat16().float())
        np.save(os.path.join(out_dir, "logits_bf16.npy"), model_bf16(ids).numpy().astype("<f4"))

    # the same in float64, to judge how far float32 itself is from the exact values
    model64 = copy.deepcopy(model).double()
    model64.zero_grad()
    logits64 = model64(ids)
    loss64 = loss_fn(logits64, targets)
    loss64.backward()
    params64 = dict(model64.named_parameters())
    write_json(os.path.join(out_dir, "loss.json"), {
        "loss": loss.item(), "loss_float64": loss64.item(),
        "logits_max_abs_diff_float32_vs_float64": (logits.double() - logits64).abs().max().item(),
        "grads_max_abs_diff_float32_vs_float64": {
            n: (params[n].grad.double() - params64[n].grad).abs().max().item() for n in grad_names},
    })

    # AdamW on the same batch: after_adamw = weights after step 1, losses = loss before each step
    opt = torch.optim.AdamW(model.parameters(), **ADAMW)
    losses = []
    for step in range(ADAMW_STEPS):
        opt.zero_grad()
        loss = loss_fn(model(ids), targets)
        losses.append(loss.item())
        loss.backward()
        opt.step()
        if step == 0:
            write_safetensors(os.path.join(out_dir, "after_adamw.safetensors"), state(model))
    write_json(os.path.join(out_dir, "losses.json"), {
        "losses": losses, "loss_after_last_step": loss_fn(model(ids), targets).item(),
        "adamw": {"lr": ADAMW["lr"], "beta1": ADAMW["betas"][0], "beta2": ADAMW["betas"][1],
                  "eps": ADAMW["eps"], "weight_decay": ADAMW["weight_decay"],
                  "weight_decay_applies_to": "all parameters"}})

    with open(os.path.join(out_dir, "README.md"), "w") as f:
        as_json = {k: json.dumps(v) for k, v in cfg.items()}  # true/null, not Python's True/None
        f.write(FIXTURE_README.format(name=os.path.basename(out_dir), seed=seed, **as_json,
                                      head_dim=cfg["n_embd"] // cfg["n_head"],
                                      inner=cfg["n_inner"] or 4 * cfg["n_embd"],
                                      grads=", ".join(grad_names), steps=ADAMW_STEPS, **ADAMW))


FIXTURE_README = """# {name}: golden GPT-2 fixture

Generated by `tools/reference/gpt2_reference.py` (seed {seed}); do not edit by hand, regenerate.
A plain-PyTorch mirror of Hugging Face GPT2LMHeadModel (Conv1D weights [in, out], pre-LN, GELU tanh
"gelu_new", causal attention scaled 1/sqrt(head_dim), final ln_f).

- Model: vocab_size {vocab_size}, n_positions {n_positions}, n_embd {n_embd}, n_layer {n_layer},
  n_head {n_head} (head_dim {head_dim}), MLP width {inner} (n_inner {n_inner}),
  tie_word_embeddings {tie_word_embeddings}, qkv_bias {qkv_bias}, layer_norm_epsilon {layer_norm_epsilon}.
- Weights: N(0, 0.2) everywhere, LayerNorm gains 1 + N(0, 0.2), so values are not tiny.
- Dropout-free: resid_pdrop, embd_pdrop and attn_pdrop are all 0.
- Batch: `input.json` input_ids [2, 11] (also `input_ids.npy`, int64), `targets.json` = the next tokens.
- `logits.npy`: float32 [2, 11, vocab]; `loss.json`: mean cross-entropy over the 22 positions, also in
  float64 with the float32-vs-float64 differences of logits and gradients (a tolerance yardstick).
- `logits_bf16.npy`: the same logits with every Conv1D weight and the LM head rounded by `.bfloat16()`
  (embeddings, norms and biases float32; a tied head rounded on its own copy): LlmForge's bfloat16 weights.
- `grads.safetensors`: gradients after `loss.backward()` at the initial weights: {grads}.
- `after_adamw.safetensors`: every weight after ONE `torch.optim.AdamW` step with lr {lr},
  betas {betas}, eps {eps}, weight_decay {weight_decay} applied to ALL parameters (biases, LayerNorm and
  embeddings included), from zero optimizer state.
- `losses.json`: the loss before each of {steps} AdamW steps on this same batch (losses[0] = loss.json's loss).
- `model_stats.json`: per tensor of model.safetensors, its shape and float64 sum and sum of squares.
"""


def make_dtype_fixture(out_dir):
    """One set of values stored as F64/F32/F16/BF16, with torch's own conversions to float32."""
    os.makedirs(out_dir, exist_ok=True)
    g = torch.Generator().manual_seed(7)
    special = [0.0, -0.0, 1.0, -2.5, 0.1, 1.0 / 3.0, 65504.0, 70000.0, 6e-8, 1e-40, 3.0e38, -1e-3,
               float("inf"), float("-inf"), float("nan"), 1.00390625, 1.01171875]
    base = torch.cat([torch.tensor(special, dtype=torch.float64), torch.randn(15, generator=g, dtype=torch.float64) * 10])
    tensors = {
        "f64": base, "f64_as_f32": base.float(),
        "f32": base.float().view(4, 8), "f32_as_f32": base.float().view(4, 8),
        "f16": base.half(), "f16_as_f32": base.half().float(),
        "bf16": base.bfloat16(), "bf16_as_f32": base.bfloat16().float(),
        "i64": torch.arange(6, dtype=torch.int64).view(2, 3),
        "empty": torch.zeros(0, 3), "scalar": torch.tensor(4.25),
    }
    write_safetensors(os.path.join(out_dir, "dtypes.safetensors"), tensors, {"format": "pt", "source": "gpt2_reference.py"})


def make_npy_fixture(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "i4_2x3.npy"), np.arange(-2, 4, dtype="<i4").reshape(2, 3))
    np.save(os.path.join(out_dir, "f4_scalar.npy"), np.array(-1.75, dtype="<f4"))
    np.save(os.path.join(out_dir, "f4_empty_0x4.npy"), np.zeros((0, 4), dtype="<f4"))
    np.save(os.path.join(out_dir, "f8_3.npy"), np.array([0.1, -2.0, 1e300], dtype="<f8"))
    np.save(os.path.join(out_dir, "f4_fortran_2x3.npy"), np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
    np.save(os.path.join(out_dir, "f4_bigendian_3.npy"), np.array([1, 2, 3], dtype=">f4"))


def main():
    torch.set_num_threads(1)
    make_gpt2_fixture(os.path.join(FIXTURES, "gpt2-tiny"),
                      hf_config(61, 16, 24, 2, 3, n_inner=40, tied=False), seed=1234)
    make_gpt2_fixture(os.path.join(FIXTURES, "gpt2-tiny-tied"),
                      hf_config(61, 16, 12, 2, 2, n_inner=None, tied=True), seed=4321)
    make_dtype_fixture(os.path.join(FIXTURES, "safetensors"))
    make_npy_fixture(os.path.join(FIXTURES, "npy"))
    total = 0
    for d in ("gpt2-tiny", "gpt2-tiny-tied", "safetensors", "npy"):
        for f in sorted(os.listdir(os.path.join(FIXTURES, d))):
            total += os.path.getsize(os.path.join(FIXTURES, d, f))
    print(f"wrote fixtures under {FIXTURES}: {total / 1024:.1f} KB")


if __name__ == "__main__":
    main()
