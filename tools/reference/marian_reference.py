#!/usr/bin/python3
"""Golden MarianMT fixtures for LlmForge's encoder-decoder tests, from tiny random-weight models in plain PyTorch.

The `transformers` package is not available here, so the math of Hugging Face's MarianMTModel is re-implemented below
with the same parameter names and nn.Linear [out, in] layouts:
  * embeddings: the shared table (model.shared, padding_idx = pad) times embed_scale (√d_model when scale_embedding),
    plus the static sinusoids of MarianSinusoidalPositionalEmbedding — sin in the FIRST half of the dims and cos in
    the second (not interleaved), positions 0.. of each sequence — and no embedding norm;
  * encoder layers, post-LN: h = LN(h + self_attn(h)); h = LN(h + fc2(act(fc1(h)))); padded source keys get an additive
    finfo.min (HF's expanded attention mask);
  * decoder layers, post-LN: causal self-attention, then encoder_attn (cross-attention over the encoder's output,
    the same source padding mask), then the feed-forward, each followed by its norm;
  * lm_head tied to model.shared, plus the final_logits_bias buffer [1, V];
  * attention: q_proj(x)·head_dim^-0.5, k_proj, v_proj, all with biases, out_proj.
Greedy decoding as generate() with num_beams=1 runs it for opus-mt configs: decoder_start_token_id (= pad) first,
the pad logit masked (their bad_words_ids [[pad]]), argmax, a finished row continues with pad, stop when every row has
produced eos or after max_new_tokens.

Beam search as generate(num_beams=K) runs it (transformers' BeamSearchScorer and BeamHypotheses, with the lengths
of their decoder_prompt_len version): the pad logit masked before log_softmax (MarianMTModel's
adjust_logits_during_generation), beam scores start at 0 for beam 0 and -1e9 for the others, the top 2K of the K×V
running sums are taken in order; an eos among the first K of them closes a hypothesis scored
sum_logprobs / generated_len**length_penalty (generated_len counts the eos), the other candidates fill the K beams;
early_stopping True / False (the heuristic bound from the current length) / "never" (the bound from max_new_tokens
when length_penalty > 0); at the end the open beams join the hypotheses, the best is returned with an eos appended if
it fits and rows padded to the longest. forced_eos_token_id is not applied (neither does the greedy reference).

Usage (from the repository root):  /usr/bin/python3 tools/reference/marian_reference.py
Writes tests/LlmForge.Models.Tests/Fixtures/{marian-tiny,marian-tiny-relu}/ (beam.json: the beam cases of BEAM_CASES).
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_reference import FIXTURES, write_json, write_safetensors  # noqa: E402

INIT_STD = 0.6
EMBEDDING_NORM = 1.0
MAX_NEW_TOKENS = 9
# (num_beams, length_penalty, early_stopping, max_new_tokens): the defaults, then the options' other branches
BEAM_CASES = [(4, 1.0, False, 9), (3, 0.6, True, 9), (2, 2.0, "never", 12), (4, -0.5, "never", 6)]

# ----------------------------------------------------------------------------- the model


def sinusoids(n_pos, dim):
    """MarianSinusoidalPositionalEmbedding._init_weight: sin of every even-frequency column first, then the cos."""
    enc = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = np.zeros((n_pos, dim))
    sentinel = dim // 2 if dim % 2 == 0 else dim // 2 + 1
    out[:, 0:sentinel] = np.sin(enc[:, 0::2])
    out[:, sentinel:] = np.cos(enc[:, 1::2])
    return torch.tensor(out)


ACTIVATIONS = {"swish": F.silu, "silu": F.silu, "relu": F.relu, "gelu": F.gelu}


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, kv, additive_mask):  # x (B, T, C), kv (B, Tk, C), mask broadcast to (B, nh, T, Tk)
        b, t, c = x.shape
        tk, hs = kv.shape[1], c // self.heads
        q = (self.q_proj(x) * hs ** -0.5).view(b, t, self.heads, hs).transpose(1, 2)
        k = self.k_proj(kv).view(b, tk, self.heads, hs).transpose(1, 2)
        v = self.v_proj(kv).view(b, tk, self.heads, hs).transpose(1, 2)
        p = F.softmax(q @ k.transpose(-1, -2) + additive_mask, dim=-1)  # (B, nh, T, Tk)
        return self.out_proj((p @ v).transpose(1, 2).reshape(b, t, c))


class EncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.self_attn = Attention(d, cfg["encoder_attention_heads"])
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1, self.fc2 = nn.Linear(d, cfg["encoder_ffn_dim"]), nn.Linear(cfg["encoder_ffn_dim"], d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.act = ACTIVATIONS[cfg["activation_function"]]

    def forward(self, h, mask):
        h = self.self_attn_layer_norm(h + self.self_attn(h, h, mask))
        return self.final_layer_norm(h + self.fc2(self.act(self.fc1(h))))


class DecoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.self_attn = Attention(d, cfg["decoder_attention_heads"])
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.encoder_attn = Attention(d, cfg["decoder_attention_heads"])
        self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1, self.fc2 = nn.Linear(d, cfg["decoder_ffn_dim"]), nn.Linear(cfg["decoder_ffn_dim"], d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.act = ACTIVATIONS[cfg["activation_function"]]

    def forward(self, h, memory, causal_mask, memory_mask):
        h = self.self_attn_layer_norm(h + self.self_attn(h, h, causal_mask))
        h = self.encoder_attn_layer_norm(h + self.encoder_attn(h, memory, memory_mask))
        return self.final_layer_norm(h + self.fc2(self.act(self.fc1(h))))


class Stack(nn.Module):
    def __init__(self, cfg, layer, n):
        super().__init__()
        self.embed_positions = nn.Embedding(cfg["max_position_embeddings"], cfg["d_model"])
        self.embed_positions.weight = nn.Parameter(sinusoids(cfg["max_position_embeddings"], cfg["d_model"]), requires_grad=False)
        self.layers = nn.ModuleList([layer(cfg) for _ in range(n)])


class MarianMT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.model = nn.Module()
        self.model.shared = nn.Embedding(cfg["vocab_size"], cfg["d_model"], padding_idx=cfg["pad_token_id"])
        self.model.encoder = Stack(cfg, EncoderLayer, cfg["encoder_layers"])
        self.model.decoder = Stack(cfg, DecoderLayer, cfg["decoder_layers"])
        self.register_buffer("final_logits_bias", torch.zeros(1, cfg["vocab_size"]))
        self.scale = math.sqrt(cfg["d_model"]) if cfg["scale_embedding"] else 1.0

    def embed(self, stack, ids):
        return self.model.shared(ids) * self.scale + stack.embed_positions.weight[: ids.shape[1]]

    def encode(self, ids, attention_mask):  # (B, S) → (B, S, C)
        h = self.embed(self.model.encoder, ids)
        mask = self.padding_mask(attention_mask)
        for layer in self.model.encoder.layers:
            h = layer(h, mask)
        return h

    def padding_mask(self, attention_mask):  # (B, S) → additive (B, 1, 1, S)
        return (1.0 - attention_mask[:, None, None, :].to(torch.float64)) * torch.finfo(torch.float64).min

    def decode(self, dec_ids, memory, attention_mask):  # (B, T) → logits (B, T, V)
        t = dec_ids.shape[1]
        h = self.embed(self.model.decoder, dec_ids)
        causal = torch.triu(torch.full((t, t), torch.finfo(torch.float64).min, dtype=torch.float64), diagonal=1)
        mask = self.padding_mask(attention_mask)
        for layer in self.model.decoder.layers:
            h = layer(h, memory, causal, mask)
        return h @ self.model.shared.weight.T + self.final_logits_bias

    def greedy(self, ids, attention_mask, max_new_tokens):
        cfg = self.cfg
        memory = self.encode(ids, attention_mask)
        out = torch.full((ids.shape[0], 1), cfg["decoder_start_token_id"], dtype=torch.long)
        done = torch.zeros(ids.shape[0], dtype=torch.bool)
        for _ in range(max_new_tokens):
            logits = self.decode(out, memory, attention_mask)[:, -1].clone()
            logits[:, cfg["pad_token_id"]] = -math.inf  # bad_words_ids [[pad]]
            nxt = torch.where(done, torch.full_like(done, cfg["pad_token_id"], dtype=torch.long), logits.argmax(-1))
            out = torch.cat([out, nxt[:, None]], dim=1)
            done |= nxt == cfg["eos_token_id"]
            if done.all():
                break
        return out


class BeamHypotheses:
    """The n-best finished hypotheses of one input (transformers' BeamHypotheses)."""

    def __init__(self, num_beams, length_penalty, early_stopping, max_new_tokens):
        self.num_beams, self.length_penalty, self.early_stopping = num_beams, length_penalty, early_stopping
        self.max_new_tokens = max_new_tokens
        self.beams = []  # (score, tokens)
        self.worst_score = 1e9

    def add(self, tokens, sum_logprobs, generated_len):
        score = sum_logprobs / generated_len ** self.length_penalty
        if len(self.beams) < self.num_beams or score > self.worst_score:
            self.beams.append((score, tokens))
            if len(self.beams) > self.num_beams:
                ranked = sorted((s, i) for i, (s, _) in enumerate(self.beams))
                del self.beams[ranked[0][1]]
                self.worst_score = ranked[1][0]
            else:
                self.worst_score = min(score, self.worst_score)

    def is_done(self, best_sum_logprobs, generated_len):
        if len(self.beams) < self.num_beams:
            return False
        if self.early_stopping is True:
            return True
        if self.early_stopping == "never" and self.length_penalty > 0.0:
            generated_len = self.max_new_tokens
        return self.worst_score >= best_sum_logprobs / generated_len ** self.length_penalty


def beam_search(model, ids, attention_mask, num_beams, length_penalty, early_stopping, max_new_tokens):
    cfg = model.cfg
    pad, eos, batch, k = cfg["pad_token_id"], cfg["eos_token_id"], ids.shape[0], num_beams
    memory = model.encode(ids, attention_mask).repeat_interleave(k, dim=0)  # (B·K, S, C)
    mask = attention_mask.repeat_interleave(k, dim=0)
    out = torch.full((batch * k, 1), cfg["decoder_start_token_id"], dtype=torch.long)
    beam_scores = torch.zeros(batch, k, dtype=torch.float64)
    beam_scores[:, 1:] = -1e9
    beam_scores = beam_scores.view(-1)
    hyps = [BeamHypotheses(k, length_penalty, early_stopping, max_new_tokens) for _ in range(batch)]
    done = [False] * batch
    for step in range(max_new_tokens):
        generated = step + 1  # tokens after the start once this step's is appended
        logits = model.decode(out, memory, mask)[:, -1].clone()
        logits[:, pad] = -math.inf  # MarianMTModel.adjust_logits_during_generation, before the log-softmax
        scores = F.log_softmax(logits, dim=-1) + beam_scores[:, None]  # (B·K, V)
        vocab = scores.shape[-1]
        top_scores, top = torch.topk(scores.view(batch, k * vocab), 2 * k, dim=1, largest=True, sorted=True)
        next_scores = torch.zeros(batch, k, dtype=torch.float64)
        next_tokens = torch.full((batch, k), pad, dtype=torch.long)
        next_rows = torch.zeros(batch, k, dtype=torch.long)
        for b in range(batch):
            if done[b]:
                next_rows[b] = b * k  # as transformers (which uses row 0): a finished input's rows are never read again
                continue
            filled = 0
            for rank in range(2 * k):
                token, row = top[b, rank].item() % vocab, b * k + top[b, rank].item() // vocab
                if token == eos:
                    if rank < k:
                        hyps[b].add(out[row].tolist(), top_scores[b, rank].item(), generated)
                else:
                    next_scores[b, filled], next_tokens[b, filled], next_rows[b, filled] = top_scores[b, rank], token, row
                    filled += 1
                if filled == k:
                    break
            done[b] = hyps[b].is_done(top_scores[b].max().item(), generated)
        beam_scores = next_scores.view(-1)
        out = torch.cat([out[next_rows.view(-1)], next_tokens.view(-1, 1)], dim=1)
        if all(done):
            break
    best = []
    for b in range(batch):
        if not done[b]:
            for row in range(b * k, (b + 1) * k):
                hyps[b].add(out[row].tolist(), beam_scores[row].item(), out.shape[1] - 1)
        best.append(sorted(hyps[b].beams, key=lambda h: h[0])[-1])
    width = min(max(len(t) for _, t in best) + 1, max_new_tokens + 1)
    sequences = [t + ([eos] if len(t) < width else []) for _, t in best]
    sequences = [t + [pad] * (width - len(t)) for t in sequences]
    return sequences, [s for s, _ in best]


def hf_config(vocab, d, layers, heads, ffn, act, scale, max_pos):
    pad = vocab - 1  # opus-mt: <pad> is the last id, </s> is 0
    return {
        "architectures": ["MarianMTModel"], "model_type": "marian",
        "vocab_size": vocab, "decoder_vocab_size": vocab, "d_model": d,
        "encoder_layers": layers[0], "decoder_layers": layers[1],
        "encoder_attention_heads": heads, "decoder_attention_heads": heads,
        "encoder_ffn_dim": ffn, "decoder_ffn_dim": ffn, "activation_function": act,
        "scale_embedding": scale, "max_position_embeddings": max_pos, "static_position_embeddings": True,
        "normalize_before": False, "normalize_embedding": False, "add_final_layer_norm": False,
        "share_encoder_decoder_embeddings": True, "tie_word_embeddings": True,
        "pad_token_id": pad, "eos_token_id": 0, "decoder_start_token_id": pad, "forced_eos_token_id": 0,
        "bad_words_ids": [[pad]], "num_beams": 1,
        "dropout": 0.0, "attention_dropout": 0.0, "activation_dropout": 0.0, "init_std": 0.02,
    }


def make_fixture(name, cfg, seed, tied_copies):
    out_dir = os.path.join(FIXTURES, name)
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(seed)
    model = MarianMT(cfg).double()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "embed_positions" in n:
                continue
            if n.endswith("layer_norm.weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g, dtype=torch.float64))
            elif n.endswith("layer_norm.bias"):  # small: a large one is a fixed direction every position predicts
                p.copy_(0.02 * torch.randn(p.shape, generator=g, dtype=torch.float64))
            else:
                p.copy_(INIT_STD * torch.randn(p.shape, generator=g, dtype=torch.float64))
        # rows of equal norm, so that the tied output layer's argmax follows the direction of the decoder's state and
        # greedy decoding moves between tokens instead of repeating the token of the largest embedding
        shared = model.model.shared.weight
        shared.copy_(shared / shared.norm(dim=1, keepdim=True) * EMBEDDING_NORM)
        model.final_logits_bias.copy_(0.1 * torch.randn(model.final_logits_bias.shape, generator=g, dtype=torch.float64))
        # the weights as float32, what the file stores, then computed in float64 from exactly those values
        for p in list(model.parameters()) + [model.final_logits_bias]:
            p.copy_(p.float().double())

    vocab, pad, eos = cfg["vocab_size"], cfg["pad_token_id"], cfg["eos_token_id"]
    # source: row 0 full, row 1 three padding tokens on the right (the Marian tokenizer pads right); </s> ends each
    ids = torch.randint(1, vocab - 1, (2, 7), generator=g)
    ids[0, 6] = eos
    ids[1, 3] = eos
    ids[1, 4:] = pad
    attention_mask = (ids != pad).long()
    attention_mask[0] = 1
    dec = torch.randint(1, vocab - 1, (2, 5), generator=g)
    dec[:, 0] = cfg["decoder_start_token_id"]

    with torch.no_grad():
        logits = model.decode(dec, model.encode(ids, attention_mask), attention_mask)
        greedy = model.greedy(ids, attention_mask, MAX_NEW_TOKENS)

    tensors = {}
    for n, p in model.state_dict().items():
        tensors[n] = p.float()
    if tied_copies:  # what older (converted) checkpoints hold beside model.shared.weight
        for n in ("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight"):
            tensors[n] = model.model.shared.weight.float()
    write_safetensors(os.path.join(out_dir, "model.safetensors"), dict(sorted(tensors.items())), {"format": "pt"})
    write_json(os.path.join(out_dir, "config.json"), cfg)
    write_json(os.path.join(out_dir, "input.json"), {
        "input_ids": ids.tolist(), "attention_mask": attention_mask.tolist(), "decoder_input_ids": dec.tolist()})
    np.save(os.path.join(out_dir, "logits.npy"), logits.numpy().astype("<f4"))
    write_json(os.path.join(out_dir, "greedy.json"), {"max_new_tokens": MAX_NEW_TOKENS, "sequences": greedy.tolist()})
    cases = []
    with torch.no_grad():
        for num_beams, length_penalty, early_stopping, max_new in BEAM_CASES:
            sequences, scores = beam_search(model, ids, attention_mask, num_beams, length_penalty, early_stopping, max_new)
            cases.append({"num_beams": num_beams, "length_penalty": length_penalty, "early_stopping": early_stopping,
                          "max_new_tokens": max_new, "sequences": sequences, "scores": scores})
            print(f"{name}: beam {num_beams} lp {length_penalty} {early_stopping}: {sequences} {scores}")
    write_json(os.path.join(out_dir, "beam.json"), {"cases": cases})
    size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    print(f"{name}: logits {tuple(logits.shape)}, greedy {greedy.tolist()}, {size} bytes")


def main():
    torch.set_num_threads(1)
    make_fixture("marian-tiny", hf_config(vocab=40, d=16, layers=(2, 2), heads=4, ffn=24, act="swish", scale=True, max_pos=32),
                 seed=124, tied_copies=True)  # a seed whose greedy output changes tokens and ends row 1 at once with eos
    make_fixture("marian-tiny-relu", hf_config(vocab=33, d=12, layers=(1, 2), heads=3, ffn=20, act="relu", scale=False, max_pos=24),
                 seed=19, tied_copies=False)


if __name__ == "__main__":
    main()
