#!/usr/bin/env python3
"""Writes sentences.tsv, actdb's embedded labelled text set, from WordNet 3.0's data.noun.

Usage: python3 make_sentences.py [data.noun] > sentences.tsv
(data.noun defaults to Debian's wordnet-base copy, /usr/share/wordnet/data.noun.)

Ten noun classes (lexicographer files) with 250 definitions each. The selection is deterministic
and the same on every machine: within a class, definitions of 20 to 200 characters, ordered by
SHA-256 of "actdb-sentences:<synset offset>", the first 250 taken. Rows are in synset-offset
order; within each class every 5th row (4th, 9th, ... counting from 0) is split "test", the
others "train". The label is the class's position among WordNet's 26 noun classes (its
lexicographer file number minus 3), so it is the same as in actdb's `wordnet` set.

A definition is the gloss (after "|") up to its first example (`; "`), trimmed.
"""
import hashlib
import sys

NOUN_CLASSES = [
    "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute", "noun.body",
    "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food",
    "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
    "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity",
    "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
]
CHOSEN = ["noun.animal", "noun.artifact", "noun.body", "noun.feeling", "noun.food",
          "noun.location", "noun.person", "noun.plant", "noun.substance", "noun.time"]
PER_CLASS = 250
MIN_CHARS, MAX_CHARS = 20, 200


def definition(gloss):
    return gloss.split('; "', 1)[0].strip()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet/data.noun"
    candidates = {name: [] for name in CHOSEN}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):  # the licence header
                continue
            fields, _, gloss = line.partition(" | ")
            offset, lexfile = fields.split(" ")[:2]
            name = NOUN_CLASSES[int(lexfile) - 3]
            text = definition(gloss)
            if name in candidates and MIN_CHARS <= len(text) <= MAX_CHARS and "\t" not in text:
                candidates[name].append((int(offset), text))
    rows = []
    for name, found in candidates.items():
        key = lambda c: hashlib.sha256(f"actdb-sentences:{c[0]}".encode()).hexdigest()
        chosen = sorted(sorted(found, key=key)[:PER_CLASS])
        for i, (offset, text) in enumerate(chosen):
            split = "test" if i % 5 == 4 else "train"
            rows.append((offset, NOUN_CLASSES.index(name), name, split, text))
    out = sys.stdout
    out.write("sample_id\tlabel\tlabel_name\tsplit\ttext\n")
    for row in sorted(rows):
        out.write("\t".join(str(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
