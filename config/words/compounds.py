#!/usr/bin/env python3
"""Writes compounds.txt, the two-word names of things, from WordNet 3.0.

Usage: python3 config/words/compounds.py /usr/share/wordnet > config/words/compounds.txt

The folder is WordNet's database (Debian's `wordnet-base` package puts it
in /usr/share/wordnet). A noun of WordNet written as two words ("polar
bear", "tongue twister", "Bruce Lee", "apple juice") or as one word that is
two ("headscarf": "head" and "scarf", each a WordNet noun or adjective of
three letters or more) is written as its two words, lower case, one pair a
line. Left out: a noun whose every sense WordNet defines as a trademark or
a brand ("Coca Cola", "Lego set"), which names the brand, not a thing.
"""
import os
import re
import sys

db = sys.argv[1]
WORD = re.compile(r"[a-z]+")


def senses(pos):
    """lemma -> glosses of its synsets, for the part of speech `pos`."""
    gloss = {}
    with open(os.path.join(db, f"data.{pos}"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            offset, _, rest = line.partition(" ")
            gloss[offset] = rest.partition("| ")[2].lower()
    out = {}
    with open(os.path.join(db, f"index.{pos}"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split()
            lemma, synsets = fields[0], int(fields[2])
            out[lemma] = [gloss[o] for o in fields[-synsets:]]
    return out


nouns = senses("noun")
words = set(nouns) | set(senses("adj"))
brand = re.compile(r"\b(trademark|brand)")
pairs = set()
for lemma, glosses in nouns.items():
    if all(brand.search(g) for g in glosses):
        continue
    parts = re.split(r"[_-]", lemma)
    if len(parts) == 2 and all(WORD.fullmatch(p) and len(p) > 1 for p in parts):
        pairs.add(tuple(parts))
    elif len(parts) == 1 and WORD.fullmatch(lemma):
        for i in range(3, len(lemma) - 2):
            a, b = lemma[:i], lemma[i:]
            if a in words and b in words:
                pairs.add((a, b))
LICENCE = """\
This software and database is being provided to you, the LICENSEE, by
Princeton University under the following license.  By obtaining, using
and/or copying this software and database, you agree that you have
read, understood, and will comply with these terms and conditions.:

Permission to use, copy, modify and distribute this software and
database and its documentation for any purpose and without fee or
royalty is hereby granted, provided that you agree to comply with
the following copyright notice and statements, including the disclaimer,
and that the same appear on ALL copies of the software, database and
documentation, including modifications that you make for internal
use or for distribution.

WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved.

THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON
UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR
IMPLIED.  BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON
UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANT-
ABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE
OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT
INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR
OTHER RIGHTS.

The name of Princeton University or Princeton may not be used in
advertising or publicity pertaining to distribution of the software
and/or database.  Title to copyright in this software, database and
any associated documentation shall at all times remain with
Princeton University and LICENSEE agrees to preserve same.
"""

print("# Two-word names of things, from WordNet 3.0: written by")
print("# config/words/compounds.py. WordNet's licence:")
print("#")
for line in LICENCE.splitlines():
    print(f"# {line}".rstrip())
for a, b in sorted(pairs):
    print(f"{a} {b}")
