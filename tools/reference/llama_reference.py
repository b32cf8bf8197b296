#!/usr/bin/python3
"""Golden reference fixtures for LlmForge's Llama-layout decoders, from tiny random-weight models in plain PyTorch.

`transformers` is not installed here, so LlamaForCausalLM's forward pass is re-implemented below following its
modeling_llama.py, with Hugging Face's tensor names:

- LlamaRMSNorm: in float32, x * rsqrt(mean(x^2) + eps), times the weight;
- rotary: inv_freq = 1 / theta^(arange(0, hs, 2) / hs) in float32, remapped by rope_scaling "llama3"
  (_compute_llama3_parameters) when asked; cos/sin of cat(freqs, freqs); q, k turned with rotate_half;
- attention: q_proj [C, C], k_proj / v_proj [n_kv * hs, C] (bias when attention_bias, or qwen2's q/k/v bias),
  repeat_kv to the query heads, causal softmax(q k^T / sqrt(hs)) (Mistral: a sliding window), o_proj;
- mlp: down_proj(silu(gate_proj(x)) * up_proj(x)) (SwiGLU);
- pre-norm blocks (input_layernorm, post_attention_layernorm), model.norm, lm_head (or the tied embed_tokens).

Each fixture holds config.json, model.safetensors (one in BF16, converted to float32 on load), input.json
(input_ids [2, 11]), logits.npy (float32 [2, 11, V]) and greedy.json (a prompt and the tokens greedy decoding
appends, recomputing the whole sequence each step, as LlamaForCausalLM.generate(do_sample=False) does).

Usage (from the repository root):  /usr/bin/python3 tools/reference/llama_reference.py
Writes tests/LlmForge.Models.Tests/Fixtures/<name>/ for each fixture in FIXTURE_SPECS.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_reference import BATCH, FIXTURES, SEQ, write_json, write_safetensors  # noqa: E402

VOCAB, HIDDEN, LAYERS, HEADS, INTER, CONTEXT = 61, 24, 2, 4, 40, 32
PROMPT, NEW_TOKENS = 5, 8
INIT_STD = 0.2

# name -> (config keys over the base, seed, store weights as bf16)
FIXTURE_SPECS = {
    "llama-mha": (dict(num_key_value_heads=4, tie_word_embeddings=False, rope_theta=10000.0), 3001, False),
    "llama-gqa-tied": (dict(num_key_value_heads=2, tie_word_embeddings=True, rope_theta=500000.0), 3002, False),
    "llama-mqa-llama3": (dict(num_key_value_heads=1, tie_word_embeddings=False, rope_theta=10000.0,
                              rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0,
                                                high_freq_factor=4.0, original_max_position_embeddings=256)), 3003, False),
    "qwen2-bias-bf16": (dict(model_type="qwen2", architectures=["Qwen2ForCausalLM"], num_key_value_heads=2,
                             tie_word_embeddings=True, rope_theta=1000000.0, rms_norm_eps=1e-6), 3004, True),
    "mistral-window": (dict(model_type="mistral", architectures=["MistralForCausalLM"], num_key_value_heads=2,
                            tie_word_embeddings=False, rope_theta=10000.0, sliding_window=4), 3005, False),
}


def base_config():
    return dict(architectures=["LlamaForCausalLM"], model_type="llama", vocab_size=VOCAB, hidden_size=HIDDEN,
                intermediate_size=INTER, num_hidden_layers=LAYERS, num_attention_heads=HEADS, num_key_value_heads=HEADS,
                hidden_act="silu", max_position_embeddings=CONTEXT, rms_norm_eps=1e-5, rope_theta=10000.0,
                rope_scaling=None, tie_word_embeddings=False, attention_bias=False, mlp_bias=False,
                bos_token_id=1, eos_token_id=2, initializer_range=0.02)


def q_k_v_o_bias(cfg):
    """(q/k/v bias, o bias): qwen2 biases q, k, v only; llama and mistral follow attention_bias for all four."""
    if cfg["model_type"] == "qwen2":
        return True, False
    return cfg["attention_bias"], cfg["attention_bias"]


def make_weights(cfg, seed):
    g = torch.Generator().manual_seed(seed)
    c, f, hs = cfg["hidden_size"], cfg["intermediate_size"], cfg["hidden_size"] // cfg["num_attention_heads"]
    kv = cfg["num_key_value_heads"] * hs
    qkv_bias, o_bias = q_k_v_o_bias(cfg)

    def normal(*shape):
        return torch.randn(*shape, generator=g) * INIT_STD

    w = {"model.embed_tokens.weight": normal(cfg["vocab_size"], c)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        for name, out in (("q_proj", c), ("k_proj", kv), ("v_proj", kv)):
            w[p + f"self_attn.{name}.weight"] = normal(out, c)
            if qkv_bias:
                w[p + f"self_attn.{name}.bias"] = normal(out)
        w[p + "self_attn.o_proj.weight"] = normal(c, c)
        if o_bias:
            w[p + "self_attn.o_proj.bias"] = normal(c)
        w[p + "mlp.gate_proj.weight"] = normal(f, c)
        w[p + "mlp.up_proj.weight"] = normal(f, c)
        w[p + "mlp.down_proj.weight"] = normal(c, f)
        w[p + "input_layernorm.weight"] = 1 + normal(c)
        w[p + "post_attention_layernorm.weight"] = 1 + normal(c)
    w["model.norm.weight"] = 1 + normal(c)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = normal(cfg["vocab_size"], c)
    return w


# ----------------------------------------------------------------------------- LlamaForCausalLM's forward pass


def rms_norm(x, weight, eps):  # LlamaRMSNorm: at least float32 (the float64 drift check stays float64)
    x32 = x.to(torch.promote_types(x.dtype, torch.float32))
    variance = x32.pow(2).mean(-1, keepdim=True)
    return weight * (x32 * torch.rsqrt(variance + eps)).to(x.dtype)


def inverse_frequencies(cfg, hs):
    """_compute_default_rope_parameters, then _compute_llama3_parameters when rope_scaling asks for it."""
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hs, 2, dtype=torch.int64).float() / hs))
    scaling = cfg.get("rope_scaling")
    if not scaling:
        return inv_freq
    assert scaling["rope_type"] == "llama3"
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    old_context = scaling["original_max_position_embeddings"]
    low_freq_wavelen, high_freq_wavelen = old_context / low, old_context / high
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth_factor = (old_context / wavelen - low) / (high - low)
    smoothed = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
    is_medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(is_medium, smoothed, inv_freq_llama)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def repeat_kv(x, n_rep):  # (B, n_kv, T, hs) -> (B, n_kv * n_rep, T, hs): head h reads kv head h // n_rep
    b, n_kv, t, hs = x.shape
    return x if n_rep == 1 else x[:, :, None, :, :].expand(b, n_kv, n_rep, t, hs).reshape(b, n_kv * n_rep, t, hs)


def linear(x, w, name):
    y = x @ w[name + ".weight"].T
    return y + w[name + ".bias"] if name + ".bias" in w else y


def forward(cfg, w, ids):
    """Logits (B, T, V) of LlamaForCausalLM for ids (B, T), positions 0 .. T-1."""
    b, t = ids.shape
    c, nh, n_kv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hs, eps = c // nh, cfg["rms_norm_eps"]
    x = w["model.embed_tokens.weight"][ids]
    freqs = inverse_frequencies(cfg, hs)[None, :, None] @ torch.arange(t, dtype=torch.float32)[None, None, :]
    emb = torch.cat((freqs.transpose(1, 2), freqs.transpose(1, 2)), dim=-1)   # (1, T, hs)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]                       # (1, 1, T, hs)
    i, j = torch.arange(t)[:, None], torch.arange(t)[None, :]
    visible = j <= i
    if cfg["model_type"] == "mistral" and cfg.get("sliding_window"):
        visible = visible & (j > i - cfg["sliding_window"])
    for layer in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, w, p + "self_attn.q_proj").view(b, t, nh, hs).transpose(1, 2)
        k = linear(h, w, p + "self_attn.k_proj").view(b, t, n_kv, hs).transpose(1, 2)
        v = linear(h, w, p + "self_attn.v_proj").view(b, t, n_kv, hs).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, nh // n_kv), repeat_kv(v, nh // n_kv)
        scores = (q @ k.transpose(2, 3)) / math.sqrt(hs)
        scores = scores.masked_fill(~visible, float("-inf"))
        probs = F.softmax(scores, dim=-1, dtype=torch.promote_types(scores.dtype, torch.float32)).to(q.dtype)
        attn = probs @ v                                                        # (B, nh, T, hs)
        x = x + linear(attn.transpose(1, 2).reshape(b, t, c), w, p + "self_attn.o_proj")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gated = F.silu(linear(h, w, p + "mlp.gate_proj")) * linear(h, w, p + "mlp.up_proj")
        x = x + linear(gated, w, p + "mlp.down_proj")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


def greedy(cfg, w, prompt, new_tokens):
    ids = list(prompt)
    for _ in range(new_tokens):
        logits = forward(cfg, w, torch.tensor([ids]))
        ids.append(int(logits[0, -1].argmax()))
    return ids[len(prompt):]


# ----------------------------------------------------------------------------- fixtures


def make_fixture(name, keys, seed, bf16):
    out_dir = os.path.join(FIXTURES, name)
    os.makedirs(out_dir, exist_ok=True)
    cfg = base_config()
    cfg.update(keys)
    torch.manual_seed(seed)
    w = make_weights(cfg, seed)
    if bf16:  # stored as BF16; the reference computes from the same rounded values in float32
        w = {n: t.to(torch.bfloat16) for n, t in w.items()}
    stored = w
    w = {n: t.to(torch.float32) for n, t in w.items()}
    g = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(0, cfg["vocab_size"], (BATCH, SEQ), generator=g)
    with torch.no_grad():
        logits = forward(cfg, w, ids)
        logits64 = forward(cfg, {n: t.double() for n, t in w.items()}, ids)
        prompt = ids[0, :PROMPT].tolist()
        tokens = greedy(cfg, w, prompt, NEW_TOKENS)
    write_json(os.path.join(out_dir, "config.json"), cfg)
    write_safetensors(os.path.join(out_dir, "model.safetensors"), stored, {"format": "pt"})
    write_json(os.path.join(out_dir, "input.json"), {"input_ids": ids.tolist()})
    np.save(os.path.join(out_dir, "logits.npy"), logits.numpy().astype("<f4"))
    write_json(os.path.join(out_dir, "greedy.json"), {"prompt": prompt, "tokens": tokens})
    drift = (logits.double() - logits64).abs().max().item()
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write(README.format(name=name, seed=seed, keys=json.dumps(keys), drift=drift,
                              dtype="BF16" if bf16 else "F32"))
    print(f"{name}: logits {tuple(logits.shape)}, float32 vs float64 max |diff| {drift:.2e}, greedy {tokens}")


README = """# {name}: golden fixture of a Llama-layout decoder

Generated by `tools/reference/llama_reference.py` (seed {seed}); do not edit by hand, regenerate.
A random-weight LlamaForCausalLM in plain PyTorch following transformers' modeling_llama.py (vocab 61, hidden 24,
2 layers, 4 heads of 6, intermediate 40, SiLU SwiGLU, RMSNorm in float32, rotate_half rotary, repeat_kv) with these
config.json keys over the base: `{keys}`.

- `model.safetensors`: Hugging Face's tensor names, {dtype}; weights N(0, 0.2), norm weights 1 + N(0, 0.2).
- `input.json` input_ids [2, 11]; `logits.npy` float32 [2, 11, 61] (float32 vs float64 max |diff| {drift:.1e}).
- `greedy.json`: the first row's first 5 ids and the 8 tokens greedy decoding appends (full recompute per step).
"""


def main():
    for name, (keys, seed, bf16) in FIXTURE_SPECS.items():
        make_fixture(name, keys, seed, bf16)


if __name__ == "__main__":
    main()
