#!/usr/bin/env python3
"""Writes a small generated instruction set (Alpaca-style JSON Lines) for LlmForge's instruction-tuning measurement.

Six simple text tasks over words and short sentences in Shakespeare's vocabulary (so a baby GPT pretrained on
tinyshakespeare knows the words): capitals, repetition, first / last word, opposites, word count.
Deterministic: the same seed writes the same file.  usage: make_tasks.py OUT.jsonl [COUNT] [SEED]
"""
import json
import random
import sys

WORDS = ["king", "queen", "lord", "lady", "love", "night", "day", "sword", "crown", "heart", "death", "blood",
         "father", "mother", "son", "daughter", "friend", "enemy", "war", "peace", "honour", "grace", "fool", "duke"]
OPPOSITES = [("good", "bad"), ("day", "night"), ("love", "hate"), ("king", "queen"), ("old", "young"), ("war", "peace"),
             ("life", "death"), ("friend", "enemy"), ("father", "mother"), ("son", "daughter"), ("true", "false"),
             ("light", "dark"), ("rich", "poor"), ("high", "low"), ("sweet", "bitter"), ("lord", "lady")]
SUBJECTS = ["the king", "the queen", "my lord", "the duke", "his son", "her father", "the fool", "my lady", "our friend"]
VERBS = ["loves", "fears", "serves", "hates", "knows", "calls", "follows", "honours"]
OBJECTS = ["the crown", "the night", "his sword", "her heart", "the enemy", "my father", "the people", "thy grace"]
NUMBERS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}


def sentence(rng):
    words = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}".split()
    if rng.random() < 0.4:
        words.append(rng.choice(["well", "still", "tonight", "indeed"]))
    return " ".join(words)


def example(rng):
    task = rng.randrange(6)
    if task == 0:
        w = rng.choice(WORDS)
        return "Write the word in capital letters.", w, w.upper()
    if task == 1:
        w = rng.choice(WORDS)
        return "Repeat the word twice.", w, f"{w} {w}"
    if task == 2:
        s = sentence(rng)
        return "Give the first word of the sentence.", s, s.split()[0]
    if task == 3:
        s = sentence(rng)
        return "Give the last word of the sentence.", s, s.split()[-1]
    if task == 4:
        a, b = rng.choice(OPPOSITES)
        if rng.random() < 0.5:
            a, b = b, a
        return "Give the opposite of the word.", a, b
    s = sentence(rng)
    return "Count the words in the sentence.", s, NUMBERS[len(s.split())]


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 800
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 21)
    with open(out, "w", encoding="utf-8") as f:
        for _ in range(count):
            instruction, text, output = example(rng)
            f.write(json.dumps({"instruction": instruction, "input": text, "output": output}) + "\n")


if __name__ == "__main__":
    main()
