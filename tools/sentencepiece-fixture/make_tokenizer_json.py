#!/usr/bin/python3
"""Writes the SentencePiece-style tokenizer.json test fixture (Llama 2 / TinyLlama / Mistral layout).

1. Trains a small SentencePiece BPE model with spm_train on the repository's multilingual test text, with the
   options Llama's tokenizer was trained with (byte_fallback, split_digits, a dummy prefix, no normalization).
2. Converts it to the Hugging Face tokenizers library's tokenizer.json in plain Python: model BPE with
   byte_fallback, the <0xXX> byte pieces, merges derived from the vocabulary (every split of a piece into two
   pieces, ranked by the merged piece's score, as transformers' converter does), <unk>/<s>/</s> as added special
   tokens, normalizer Sequence[Prepend("▁"), Replace(" ", "▁")] and decoder
   Sequence[Replace("▁", " "), ByteFallback, Fuse, Strip(" ", 1, 0)] (Llama 2's legacy layout; the tests derive
   the Metaspace variants from it).

Usage: /usr/bin/python3 tools/sentencepiece-fixture/make_tokenizer_json.py   (needs spm_train and the sentencepiece module)
Writes tests/LlmForge.Models.Tests/Tokenization/Fixtures/tokenizer-json-sentencepiece/tokenizer.json.
"""
import json
import os
import subprocess
import sys
import tempfile

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "LlmForge.Models.Tests", "Tokenization", "Fixtures")
CORPUS = os.path.join(FIXTURES, "multilingual.txt")
OUT_DIR = os.path.join(FIXTURES, "tokenizer-json-sentencepiece")
VOCAB_SIZE = 900


def train(prefix):
    subprocess.run([
        "spm_train", f"--input={CORPUS}", f"--model_prefix={prefix}", "--model_type=bpe",
        f"--vocab_size={VOCAB_SIZE}", "--hard_vocab_limit=false", "--byte_fallback=true", "--split_digits=true",
        "--add_dummy_prefix=true", "--normalization_rule_name=identity", "--remove_extra_whitespaces=false",
        "--allow_whitespace_only_pieces=true", "--character_coverage=0.98", "--unk_id=0", "--bos_id=1", "--eos_id=2",
        "--num_threads=1", "--seed_sentencepiece_size=100000", "--minloglevel=2",
    ], check=True)
    return spm.SentencePieceProcessor(model_file=prefix + ".model")


def merges_of(sp):
    """(left, right) pairs whose concatenation is a piece, in the order of the merged piece's score (highest first)."""
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    scored = []
    for piece, pid in vocab.items():
        if sp.is_byte(pid) or sp.is_control(pid) or sp.is_unknown(pid):
            continue
        splits = [(piece[:k], piece[k:]) for k in range(1, len(piece)) if piece[:k] in vocab and piece[k:] in vocab]
        splits.sort(key=lambda lr: (vocab[lr[0]], vocab[lr[1]]))
        scored.extend((sp.get_score(pid), left, right) for left, right in splits)
    scored.sort(key=lambda t: t[0], reverse=True)  # stable: ties keep the piece's id order
    return [[left, right] for _, left, right in scored]


def tokenizer_json(sp):
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    special = [(0, "<unk>"), (1, "<s>"), (2, "</s>")]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            for i, c in special
        ],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
        ]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
            "vocab": vocab, "merges": merges_of(sp),
        },
    }


def main():
    with tempfile.TemporaryDirectory() as tmp:
        sp = train(os.path.join(tmp, "sp"))
        data = tokenizer_json(sp)
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, "tokenizer.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{path}: {len(data['model']['vocab'])} pieces, {len(data['model']['merges'])} merges", file=sys.stderr)


if __name__ == "__main__":
    main()
