#!/usr/bin/python3
"""Golden SentencePiece and Marian tokenizer cases for LlmForge, from the reference `sentencepiece` library.

Trains, with Debian's sentencepiece 0.1.97 (python3-sentencepiece), on the repository's own pairs fixture
tests/LlmForge.Models.Tests/Fixtures/translation/pairs.tsv (English <TAB> French software messages written for it):
  - sp-unigram.model : a unigram model on both sides (what opus-mt ships: the Marian spm files are unigram models)
  - sp-bpe.model     : a BPE model on both sides
  - opus-mt-tiny/    : an opus-mt-like directory: source.spm (unigram on the English side), target.spm (unigram on
                       the French side), vocab.json (shared ids as Marian's conversion writes them: </s> 0, <unk> 1,
                       the pieces of source.spm then the new ones of target.spm, <pad> last) and tokenizer_config.json
then encodes MIXED (accents, punctuation, digits, runs of spaces, no-break spaces, full-width forms, characters
outside the training text) and writes sentencepiece-cases.json: for each model and text the pieces and ids of
`encode(text, out_type=str/int)` and `decode(ids)`; for the Marian directory the ids that transformers'
MarianTokenizer gives (source.spm pieces looked up in vocab.json, unknown -> <unk>, </s> appended; text_target=
with target.spm) and the decoded text (ids -> pieces, special tokens skipped, target.spm decode_pieces).

MarianTokenizer's semantics are re-implemented below from transformers' documented behaviour (the library is not
installed here); the SentencePiece part is the real library.

Usage (from the repository root):  /usr/bin/python3 tools/reference/sentencepiece_reference.py
"""
import json
import os
import tempfile

import sentencepiece as spm

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "LlmForge.Models.Tests", "Fixtures", "translation")
PAIRS = os.path.join(OUT, "pairs.tsv")

MIXED = [
    "Open the file",
    "The file could not be opened.",
    "Le fichier n’a pas pu être ouvert.",
    "La mise à jour de « l’été » est disponible !",
    "Voulez-vous vraiment supprimer ce fichier ?",
    "Page 12 of 345, version 2.4.1 (beta-3)",
    "  leading and trailing spaces  ",
    "many    spaces\tand a tab",
    "no\u00a0break\u202fspaces : 10\u00a0%",
    "Full-width ＡＢＣ １２３ and the ﬁ ligature",
    "ÉCRIRE À L’ÉLÉPHANT ÇA",
    "Déjà vu: café, crème brûlée, naïve façade",
    "Unknown: 漢字 and 🙂 and Ωmega",
    "quotes \"double\" 'single' “curly” ‘curly’",
    "symbols @#$^&*_+=<>[]{}|\\~`",
    "%d files selected; %s is not a valid number",
    "e\u0301te\u0301 (combining accents)",
    "a",
    "",
    "Où est le café ? Ici.",
]


def read_pairs():
    with open(PAIRS, encoding="utf-8") as f:
        pairs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def train(lines, prefix, model_type, vocab_size):
    # A fixed scratch folder: the model records its input and prefix paths, so a random one would change the bytes.
    tmp = os.path.join(tempfile.gettempdir(), "llmforge-sentencepiece-reference")
    os.makedirs(tmp, exist_ok=True)
    text = os.path.join(tmp, "train.txt")
    with open(text, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    # One thread and no shuffling: the same model every run. Defaults otherwise (nmt_nfkc normalization,
    # dummy prefix, extra whitespace removed), as opus-mt's models were trained.
    spm.SentencePieceTrainer.train(
        input=text, model_prefix=os.path.join(tmp, "m"), model_type=model_type, vocab_size=vocab_size,
        character_coverage=1.0, num_threads=1, shuffle_input_sentence=False, hard_vocab_limit=False,
        seed_sentencepiece_size=10000)
    with open(os.path.join(tmp, "m.model"), "rb") as f:
        data = f.read()
    with open(prefix, "wb") as f:
        f.write(data)
    return spm.SentencePieceProcessor(model_file=prefix)


def model_cases(sp):
    return [{"text": t, "pieces": sp.encode(t, out_type=str), "ids": sp.encode(t, out_type=int),
             "decoded": sp.decode(sp.encode(t, out_type=int))} for t in MIXED]


def marian_vocab(source, target):
    vocab = {"</s>": 0, "<unk>": 1}
    for sp in (source, target):
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if sp.is_control(i) or sp.is_unknown(i) or piece in vocab:
                continue
            vocab[piece] = len(vocab)
    vocab["<pad>"] = len(vocab)
    return vocab


def marian_encode(sp, vocab, text):
    # MarianTokenizer: pieces of the side's spm, looked up in the shared vocab (unknown -> <unk>), then </s>.
    pieces = sp.encode(text, out_type=str)
    return [vocab.get(p, vocab["<unk>"]) for p in pieces] + [vocab["</s>"]]


def marian_decode(sp, vocab, ids):
    # decode(ids, skip_special_tokens=True): specials (</s>, <unk>, <pad>) dropped, the rest through target.spm.
    by_id = {i: p for p, i in vocab.items()}
    specials = {"</s>", "<unk>", "<pad>"}
    pieces = [by_id[i] for i in ids if by_id[i] not in specials]
    return sp.decode_pieces(pieces)


def main():
    sources, targets = read_pairs()
    cases = {}
    for name, kind, size in (("sp-unigram", "unigram", 400), ("sp-bpe", "bpe", 400)):
        sp = train(sources + targets, os.path.join(OUT, name + ".model"), kind, size)
        cases[name] = {"vocab_size": sp.get_piece_size(), "cases": model_cases(sp)}

    opus = os.path.join(OUT, "opus-mt-tiny")
    os.makedirs(opus, exist_ok=True)
    src = train(sources, os.path.join(opus, "source.spm"), "unigram", 250)
    tgt = train(targets, os.path.join(opus, "target.spm"), "unigram", 250)
    vocab = marian_vocab(src, tgt)
    with open(os.path.join(opus, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, indent=2)
    with open(os.path.join(opus, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"source_lang": "en", "target_lang": "fr", "eos_token": "</s>", "unk_token": "<unk>",
                   "pad_token": "<pad>", "model_max_length": 512, "separate_vocabs": False,
                   "tokenizer_class": "MarianTokenizer"}, f, indent=2)
    marian = []
    for t in MIXED:
        source_ids = marian_encode(src, vocab, t)
        target_ids = marian_encode(tgt, vocab, t)
        marian.append({"text": t, "source_ids": source_ids, "target_ids": target_ids,
                       "decoded_target": marian_decode(tgt, vocab, target_ids)})
    cases["opus-mt-tiny"] = {"vocab_size": len(vocab), "cases": marian}

    with open(os.path.join(OUT, "sentencepiece-cases.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
    for name, c in cases.items():
        print(f"{name}: {c['vocab_size']} ids, {len(c['cases'])} cases")


if __name__ == "__main__":
    main()
