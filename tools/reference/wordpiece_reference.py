#!/usr/bin/python3
"""Golden WordPiece cases for LlmForge's BERT tokenizer, from a plain-Python BertTokenizer.

The `transformers` package is not available here, so the slow BertTokenizer of Hugging Face
(tokenization_bert.py: BasicTokenizer + WordpieceTokenizer, special tokens cut out first, [CLS] A [SEP] B [SEP]
with token_type_ids, longest_first truncation, padding, decode with clean_up_tokenization_spaces) is
re-implemented below from its documented behaviour. What it adds over a C# port is Python's own Unicode
semantics: unicodedata categories and normalization, str.lower() (final sigma, U+0130), str.split().

Usage (from the repository root):  /usr/bin/python3 tools/reference/wordpiece_reference.py
Writes tests/LlmForge.Models.Tests/Fixtures/wordpiece/{vocab.txt,cases.json}.
"""
import json
import os
import unicodedata

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "LlmForge.Models.Tests", "Fixtures", "wordpiece")
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# ----------------------------------------------------------------------------- BertTokenizer


def is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_chinese_char(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def whitespace_tokenize(text):
    text = text.strip()
    return text.split() if text else []


class BasicTokenizer:
    def __init__(self, do_lower_case, never_split, strip_accents=None):
        self.do_lower_case, self.never_split, self.strip_accents = do_lower_case, set(never_split), strip_accents

    def tokenize(self, text):
        out = []
        for ch in text:  # _clean_text
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or is_control(ch):
                continue
            out.append(" " if is_whitespace(ch) else ch)
        text = "".join(out)
        text = "".join(f" {c} " if is_chinese_char(ord(c)) else c for c in text)  # _tokenize_chinese_chars
        text = unicodedata.normalize("NFC", text)
        split = []
        for token in whitespace_tokenize(text):
            if token not in self.never_split:
                if self.do_lower_case:
                    token = token.lower()
                    if self.strip_accents is not False:
                        token = self.run_strip_accents(token)
                elif self.strip_accents:
                    token = self.run_strip_accents(token)
            split.extend(self.run_split_on_punc(token))
        return whitespace_tokenize(" ".join(split))

    @staticmethod
    def run_strip_accents(text):
        return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")

    def run_split_on_punc(self, text):
        if text in self.never_split:
            return [text]
        output, start_new_word = [], True
        for ch in text:
            if is_punctuation(ch):
                output.append([ch])
                start_new_word = True
            else:
                if start_new_word:
                    output.append([])
                start_new_word = False
                output[-1].append(ch)
        return ["".join(x) for x in output]


class WordpieceTokenizer:
    def __init__(self, vocab, unk_token="[UNK]", max_input_chars_per_word=100):
        self.vocab, self.unk_token, self.max_chars = vocab, unk_token, max_input_chars_per_word

    def tokenize(self, text):
        output = []
        for token in whitespace_tokenize(text):
            chars = list(token)
            if len(chars) > self.max_chars:
                output.append(self.unk_token)
                continue
            start, sub_tokens, bad = 0, [], False
            while start < len(chars):
                end, cur = len(chars), None
                while start < end:
                    substr = "".join(chars[start:end])
                    if start > 0:
                        substr = "##" + substr
                    if substr in self.vocab:
                        cur = substr
                        break
                    end -= 1
                if cur is None:
                    bad = True
                    break
                sub_tokens.append(cur)
                start = end
            output.extend([self.unk_token] if bad else sub_tokens)
        return output


class BertTokenizer:
    def __init__(self, vocab_tokens, do_lower_case=True, strip_accents=None):
        self.vocab = {t: i for i, t in enumerate(vocab_tokens)}
        self.inv = list(vocab_tokens)
        self.basic = BasicTokenizer(do_lower_case, SPECIALS, strip_accents)
        self.wordpiece = WordpieceTokenizer(self.vocab)

    def split_special(self, text):  # the added-tokens trie: earliest match, longest there
        pieces, start = [], 0
        while True:
            best = None
            for s in SPECIALS:
                i = text.find(s, start)
                if i >= 0 and (best is None or i < best[0] or (i == best[0] and len(s) > len(best[1]))):
                    best = (i, s)
            if best is None:
                break
            if best[0] > start:
                pieces.append(text[start:best[0]])
            pieces.append(best[1])
            start = best[0] + len(best[1])
        if start < len(text):
            pieces.append(text[start:])
        return pieces

    def tokenize(self, text):
        tokens = []
        for piece in self.split_special(text):
            if piece in SPECIALS:
                tokens.append(piece)
                continue
            for word in self.basic.tokenize(piece):
                tokens.extend(self.wordpiece.tokenize(word))
        return tokens

    def ids(self, tokens):
        return [self.vocab[t] for t in tokens]

    def encode_for_model(self, text, pair=None, max_length=None, pad=False):
        a, b = self.ids(self.tokenize(text)), (self.ids(self.tokenize(pair)) if pair is not None else None)
        n_special = 2 if b is None else 3
        if max_length is not None:
            while len(a) + (len(b) if b else 0) + n_special > max_length:  # longest_first
                if b is None or len(a) > len(b):
                    a = a[:-1]
                else:
                    b = b[:-1]
        cls, sep, padid = self.vocab["[CLS]"], self.vocab["[SEP]"], self.vocab["[PAD]"]
        ids = [cls] + a + [sep]
        types = [0] * len(ids)
        if b is not None:
            ids += b + [sep]
            types += [1] * (len(b) + 1)
        mask = [1] * len(ids)
        if pad:
            n = max_length - len(ids)
            ids, types, mask = ids + [padid] * n, types + [0] * n, mask + [0] * n
        return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}

    def decode(self, ids, skip_special_tokens=False):
        tokens = [self.inv[i] for i in ids if not (skip_special_tokens and self.inv[i] in SPECIALS)]
        text = " ".join(tokens).replace(" ##", "").strip()
        for a, b in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                     (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
            text = text.replace(a, b)
        return text

# ----------------------------------------------------------------------------- fixture


WORDS = ["hello", "world", "the", "of", "is", "paris", "capital", "france", "un", "##aff", "##able", "cafe", "naive",
         "don", "t", "how", "are", "you", "a", "b", "c", "d", "x", "y", "i", "##stan", "##bul", "istanbul", "σας", "οδος",
         "ς", "σ", "ο", "δ", "α", "##ς", "##σ", "##ο", "##δ", "##α", "我", "爱", "北", "京", "abc", "ひ", "##ら", "##が", "##な",
         "Hello", "World", "Héllo", "héllo", "Café", "e", "##́", "mask", "5", "00", "##0", "qu", "##é", "que", "q",
         "##u", "##e", "em", "dash", "##s", "##ing", "run", "play", "i̇", "##̇", "##i", "##b", "##c", "##d", "##x", "##y",
         "👍", "##🏽", "ab", "##ab", "1", "2", "3"]
PUNCT = list(".,!?'$+^`:;-—¿«»()[]\"")


def vocab_tokens():
    seen, out = set(), []
    for t in SPECIALS + WORDS + PUNCT:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


TEXTS = [
    "Hello, World!", "unaffable", "Héllo Café naïve", "Cafe\u0301 e\u0301", "don't", "$5.00", "a+b^c`d",
    "¿Qué?", "«x» (y) [z]", "em—dash", "我爱北京abc", "ひらがな", "a\u0000b\u200bc\ufffd d\u0007e",
    "\t\n\u00a0\u3000 x\u2028y\u2029a\u0085b", "ΟΔΟΣ ΣΑΣ Σ ΑΣ.", "İstanbul", "x" * 100, "x" * 101, "xyzzy", "abq",
    "", "   ", "paris is the [MASK] of france.", "[CLS]x[SEP]", "[mask]", "[MASK][MASK]", "👍🏽 ok", "running playing",
    "ab" * 60, "1 2 3", "Hello\u00adWorld", "HELLO WORLD",
]
PAIRS = [
    ("hello world", "how are you?", None, False),
    ("hello world", "how are you?", 8, True),
    ("hello world the of is", "a b", 8, False),
    ("a b", "hello world the of is", 8, True),
    ("a b c", "x y z", 6, False),  # equal lengths: the second loses first
    ("paris is the capital of france", None, 6, True),
    ("hello", None, 10, True),
]


NORMALIZATION = [
    "Café", "Cafe\u0301", "\u212B", "\u0958", "a\u0301\u0316", "a\u0316\u0301", "\u1E0B\u0323", "q\u0307\u0323",
    "한국어", "\u1100\u1161\u11A8", "\uAC00\u11A8", "Tiếng Việt", "ǅ", "\u0B47\u0B3E", "\u0344", "\u1F80\u0345",
    "e\u0301\u0301", "\u00C5\u0301", "A\u030A\u0301", "\u05D0\u05B7\u05BC", "\U0001D15E", "\u0F73", "ascii only",
]


def random_normalization_strings(n, seed=5):
    import random
    rng = random.Random(seed)
    pool = ([chr(c) for c in range(0x41, 0x5B)] + [chr(c) for c in range(0xC0, 0x250)] + [chr(c) for c in range(0x300, 0x370)]
            + [chr(c) for c in range(0x1E00, 0x1F00)] + [chr(c) for c in range(0x1F00, 0x2000)] + [chr(c) for c in range(0x1100, 0x1200)]
            + [chr(c) for c in range(0xAC00, 0xAC40)] + [chr(c) for c in range(0x0900, 0x0980)] + ["\u0591", "\u05B0", "\u0F71", "\u0F72"])
    return ["".join(rng.choice(pool) for _ in range(rng.randint(1, 8))) for _ in range(n)]


def main():
    os.makedirs(OUT, exist_ok=True)
    tokens = vocab_tokens()
    with open(os.path.join(OUT, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(t + "\n" for t in tokens))
    cases = []
    for lower, strip in ((True, None), (False, None), (False, True), (True, False)):
        tok = BertTokenizer(tokens, do_lower_case=lower, strip_accents=strip)
        for text in TEXTS:
            t = tok.tokenize(text)
            ids = tok.ids(t)
            cases.append({"do_lower_case": lower, "strip_accents": strip, "text": text, "tokens": t, "ids": ids,
                          "decoded": tok.decode(ids), "decoded_skip_special": tok.decode(ids, skip_special_tokens=True)})
    pairs = []
    tok = BertTokenizer(tokens)
    for a, b, max_length, pad in PAIRS:
        pairs.append({"text": a, "text_pair": b, "max_length": max_length, "pad_to_max_length": pad,
                      **tok.encode_for_model(a, b, max_length, pad)})
    normalization = [{"text": t, "nfc": unicodedata.normalize("NFC", t), "nfd": unicodedata.normalize("NFD", t)}
                     for t in NORMALIZATION + random_normalization_strings(200)]
    doc = {"generator": "tools/reference/wordpiece_reference.py", "unicode_version": unicodedata.unidata_version,
           "cases": cases, "pairs": pairs, "normalization": normalization}
    with open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8", newline="\n") as f:  # one case per line
        f.write("{\n")
        for i, (key, value) in enumerate(doc.items()):
            sep = ",\n" if i + 1 < len(doc) else "\n"
            if isinstance(value, list):
                items = ",\n  ".join(json.dumps(v, ensure_ascii=False) for v in value)
                f.write(f' "{key}": [\n  {items}\n ]{sep}')
            else:
                f.write(f' "{key}": {json.dumps(value)}{sep}')
        f.write("}\n")
    print(f"wrote {len(cases)} cases and {len(pairs)} pairs to {OUT}")


if __name__ == "__main__":
    main()
