#!/usr/bin/python3
"""Golden BERT fixtures for LlmForge's tests, from a tiny BERT in plain PyTorch.

The `transformers` package is not available here, so the math of Hugging Face's BertForPreTraining (minus the
next-sentence head) and BertForSequenceClassification is re-implemented below with the same parameter names and
nn.Linear [out, in] layouts: word + position + token-type embeddings, LayerNorm; post-LN encoder layers with
bidirectional attention whose padded keys get an additive finfo.min (HF's extended attention mask), exact-erf
GELU; the pooler (dense + tanh on [CLS]); the MLM head (dense + GELU + LayerNorm, decoder tied to the word
embeddings, plus a bias); the classifier on the pooled output. A pre-LN variant (LlmForge's
layer_norm_position "pre", with a final bert.encoder.LayerNorm) is written too. Dropout-free.

Usage (from the repository root):  /usr/bin/python3 tools/reference/bert_reference.py
Writes tests/LlmForge.Models.Tests/Fixtures/{bert-tiny,bert-tiny-preln}/.
"""
import copy
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_reference import FIXTURES, write_json, write_safetensors  # noqa: E402
from wordpiece_reference import BertTokenizer  # noqa: E402

INIT_STD = 0.2
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ["the", "a", "cat", "dog", "sat", "on", "mat", "hat", "is", "was", "paris", "rome", "capital", "of", "france",
         "italy", "king", "queen", "man", "woman", "good", "bad", "day", "night", "and", "to", "in", "it", "he", "she",
         "##s", "##ed", "##ing", "##ly", "run", "walk", "love", "hate", ".", ",", "!", "?", "'", "thou", "art"]
VOCAB = SPECIALS + WORDS  # 50 tokens
PAD, CLS, SEP, MASK = 0, 2, 3, 4
MLM_GRADS = ["bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
             "bert.embeddings.token_type_embeddings.weight", "bert.encoder.layer.0.attention.self.query.weight",
             "bert.encoder.layer.0.attention.self.value.bias", "bert.encoder.layer.1.output.LayerNorm.weight",
             "bert.encoder.layer.1.intermediate.dense.weight", "cls.predictions.transform.dense.weight",
             "cls.predictions.bias"]
CLS_GRADS = ["classifier.weight", "classifier.bias", "bert.pooler.dense.weight",
             "bert.encoder.layer.0.attention.self.key.weight", "bert.embeddings.word_embeddings.weight"]

# ----------------------------------------------------------------------------- the model


class Embeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], c, padding_idx=cfg["pad_token_id"])  # no gradient from [PAD] lookups
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], c)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], c)
        self.LayerNorm = nn.LayerNorm(c, eps=cfg["layer_norm_eps"])

    def forward(self, ids, types):  # (B, T) → (B, T, C)
        pos = torch.arange(ids.shape[1])
        x = self.word_embeddings(ids) + self.token_type_embeddings(types)
        return self.LayerNorm(x + self.position_embeddings(pos))


class SelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["hidden_size"]
        self.n_head = cfg["num_attention_heads"]
        self.query, self.key, self.value = nn.Linear(c, c), nn.Linear(c, c), nn.Linear(c, c)

    def forward(self, x, additive_mask):  # x (B, T, C), additive_mask (B, 1, 1, T)
        b, t, c = x.shape
        hs = c // self.n_head
        q, k, v = (m(x).view(b, t, self.n_head, hs).transpose(1, 2) for m in (self.query, self.key, self.value))
        scores = q @ k.transpose(-1, -2) / math.sqrt(hs) + additive_mask  # (B, nh, T, T)
        y = F.softmax(scores, dim=-1) @ v  # (B, nh, T, hs)
        return y.transpose(1, 2).contiguous().view(b, t, c)


class DenseNorm(nn.Module):  # HF's BertSelfOutput / BertOutput: dense, then (post-LN) LayerNorm of the residual sum
    def __init__(self, n_in, c, eps):
        super().__init__()
        self.dense = nn.Linear(n_in, c)
        self.LayerNorm = nn.LayerNorm(c, eps=eps)


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c, f, eps = cfg["hidden_size"], cfg["intermediate_size"], cfg["layer_norm_eps"]
        self.pre = cfg["layer_norm_position"] == "pre"
        self.attention = nn.Module()
        self.attention.self = SelfAttention(cfg)
        self.attention.output = DenseNorm(c, c, eps)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(c, f)
        self.output = DenseNorm(f, c, eps)

    def forward(self, x, mask):
        att, out = self.attention.output, self.output
        if self.pre:  # x + att(LN(x)); x + ff(LN(x))
            x = x + att.dense(self.attention.self(att.LayerNorm(x), mask))
            return x + out.dense(F.gelu(self.intermediate.dense(out.LayerNorm(x))))
        x = att.LayerNorm(x + att.dense(self.attention.self(x, mask)))  # original BERT: LN(x + sublayer(x))
        return out.LayerNorm(x + out.dense(F.gelu(self.intermediate.dense(x))))


class Bert(nn.Module):
    def __init__(self, cfg, n_labels):
        super().__init__()
        c = cfg["hidden_size"]
        self.bert = nn.Module()
        self.bert.embeddings = Embeddings(cfg)
        self.bert.encoder = nn.Module()
        self.bert.encoder.layer = nn.ModuleList(Layer(cfg) for _ in range(cfg["num_hidden_layers"]))
        if cfg["layer_norm_position"] == "pre":
            self.bert.encoder.LayerNorm = nn.LayerNorm(c, eps=cfg["layer_norm_eps"])
        self.bert.pooler = nn.Module()
        self.bert.pooler.dense = nn.Linear(c, c)
        self.cls = nn.Module()
        self.cls.predictions = nn.Module()
        self.cls.predictions.transform = DenseNorm(c, c, cfg["layer_norm_eps"])
        self.cls.predictions.bias = nn.Parameter(torch.zeros(cfg["vocab_size"]))
        self.classifier = nn.Linear(c, n_labels)

    def forward(self, ids, types, attention_mask):
        additive = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        x = self.bert.embeddings(ids, types)
        for layer in self.bert.encoder.layer:
            x = layer(x, additive)
        if hasattr(self.bert.encoder, "LayerNorm"):
            x = self.bert.encoder.LayerNorm(x)
        pooled = torch.tanh(self.bert.pooler.dense(x[:, 0]))  # (B, C) from [CLS]
        t = self.cls.predictions.transform
        h = t.LayerNorm(F.gelu(t.dense(x)))
        mlm_logits = h @ self.bert.embeddings.word_embeddings.weight.T + self.cls.predictions.bias  # tied decoder
        return x, pooled, mlm_logits, self.classifier(pooled)


def init_weights(model, seed):
    """N(0, INIT_STD) everywhere, LayerNorm gains 1 + N(0, INIT_STD): values far from 0 and 1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g) * INIT_STD
            p.copy_(1.0 + noise if "LayerNorm" in name and name.endswith(".weight") else noise)

# ----------------------------------------------------------------------------- fixtures


def hf_config(n_layer, position, labels):
    return {
        "architectures": ["BertForPreTraining"], "model_type": "bert", "vocab_size": len(VOCAB), "hidden_size": 24,
        "num_hidden_layers": n_layer, "num_attention_heads": 3, "intermediate_size": 40, "max_position_embeddings": 16,
        "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu", "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0, "classifier_dropout": None, "initializer_range": INIT_STD,
        "pad_token_id": PAD, "position_embedding_type": "absolute",
        "id2label": {str(i): l for i, l in enumerate(labels)}, "label2id": {l: i for i, l in enumerate(labels)},
        "layer_norm_position": position,
    }


def batch():
    """Row 0: two segments, no padding. Row 1: one segment, then 4 pads. [MASK]s in both; labels on some positions."""
    g = torch.Generator().manual_seed(99)
    word = lambda n: (torch.randint(5, len(VOCAB), (n,), generator=g)).tolist()  # noqa: E731
    row0 = [CLS] + word(5) + [SEP] + word(4) + [SEP]          # 12 tokens, types 0×7 then 1×5
    row1 = [CLS] + word(6) + [SEP] + [PAD] * 4                # 8 real tokens
    row0[2], row0[9], row1[3] = MASK, MASK, MASK
    ids = torch.tensor([row0, row1])
    types = torch.tensor([[0] * 7 + [1] * 5, [0] * 12])
    mask = torch.tensor([[1] * 12, [1] * 8 + [0] * 4])
    labels = torch.full((2, 12), -100)
    for (r, i) in [(0, 2), (0, 4), (0, 9), (1, 3), (1, 6)]:
        labels[r, i] = torch.randint(5, len(VOCAB), (1,), generator=g).item()
    return ids, types, mask, labels


def mlm_loss(logits, labels):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)


def make_fixture(out_dir, cfg, seed, full):
    os.makedirs(out_dir, exist_ok=True)
    labels_names = ["negative", "neutral", "positive"]
    torch.manual_seed(seed)
    model = Bert(cfg, len(labels_names))
    init_weights(model, seed)
    ids, types, mask, labels = batch()
    class_labels = torch.tensor([2, 0])

    write_json(os.path.join(out_dir, "config.json"), cfg)
    params = dict(model.named_parameters())
    body = {n: p.detach().clone() for n, p in params.items() if not n.startswith("classifier.")}
    write_safetensors(os.path.join(out_dir, "model.safetensors"), body, {"format": "pt"})
    write_json(os.path.join(out_dir, "input.json"),
               {"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "token_type_ids": types.tolist()})

    hidden, pooled, logits, class_logits = model(ids, types, mask)
    loss = mlm_loss(logits, labels)
    np.save(os.path.join(out_dir, "mlm_logits.npy"), logits.detach().numpy().astype("<f4"))
    summary = {"mlm_loss": loss.item()}
    if full:
        with open(os.path.join(out_dir, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(t + "\n" for t in VOCAB))
        write_safetensors(os.path.join(out_dir, "classifier.safetensors"),
                          {n: p.detach().clone() for n, p in params.items() if n.startswith("classifier.")})
        write_json(os.path.join(out_dir, "labels.json"), {"mlm_labels": labels.tolist(), "class_labels": class_labels.tolist()})
        np.save(os.path.join(out_dir, "pooled.npy"), pooled.detach().numpy().astype("<f4"))
        np.save(os.path.join(out_dir, "class_logits.npy"), class_logits.detach().numpy().astype("<f4"))
        loss.backward(retain_graph=True)
        write_safetensors(os.path.join(out_dir, "mlm_grads.safetensors"), {n: params[n].grad for n in MLM_GRADS})
        model.zero_grad()
        closs = F.cross_entropy(class_logits, class_labels)
        closs.backward()
        write_safetensors(os.path.join(out_dir, "class_grads.safetensors"), {n: params[n].grad for n in CLS_GRADS})
        summary["class_loss"] = closs.item()
        with torch.no_grad():  # float64: how far float32 itself is from exact
            m64 = copy.deepcopy(model).double()
            _, _, l64, _ = m64(ids, types, mask)
            summary["mlm_logits_max_abs_diff_float32_vs_float64"] = (logits.double() - l64).abs().max().item()
        summary["fill_mask"] = fill_mask(model)
    with torch.no_grad():  # self-check: a padded key changes nothing for the real tokens of row 1
        other = ids.clone()
        other[1, 10] = 7
        assert torch.allclose(model(other, types, mask)[2][1, :8], logits[1, :8], atol=1e-6)
    write_json(os.path.join(out_dir, "expected.json"), summary)


def fill_mask(model, text="the cat sat on the [MASK] .", top_k=5):
    """What `llmforge fill-mask --text … --top-k 5` must print: the top tokens at [MASK] and their probabilities."""
    tok = BertTokenizer(VOCAB)
    enc = tok.encode_for_model(text)
    ids = torch.tensor([enc["input_ids"]])
    _, _, logits, _ = model(ids, torch.tensor([enc["token_type_ids"]]), torch.tensor([enc["attention_mask"]]))
    at = enc["input_ids"].index(MASK)
    probs = F.softmax(logits[0, at], dim=-1)
    top = torch.topk(probs, top_k)
    return {"text": text, "input_ids": enc["input_ids"],
            "candidates": [{"token": VOCAB[i], "id": int(i), "probability": p.item()} for p, i in zip(top.values, top.indices)]}


def main():
    torch.set_num_threads(1)
    make_fixture(os.path.join(FIXTURES, "bert-tiny"), hf_config(2, "post", ["negative", "neutral", "positive"]), 2024, full=True)
    make_fixture(os.path.join(FIXTURES, "bert-tiny-preln"), hf_config(1, "pre", ["negative", "neutral", "positive"]), 77, full=False)
    total = sum(os.path.getsize(os.path.join(FIXTURES, d, f))
                for d in ("bert-tiny", "bert-tiny-preln") for f in os.listdir(os.path.join(FIXTURES, d)))
    print(f"wrote BERT fixtures under {FIXTURES}: {total / 1024:.1f} KB")


if __name__ == "__main__":
    main()
