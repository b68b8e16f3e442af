"""Where a character model's bits go on *The Tempest* (issue 11: why ≤ 2.05 bits/char is hard).

Every character of the held-out play (read as one stream, the state carried, exactly as
``rnnviz.train.lm_report`` scores it) is put in one class, first match wins:

- ``heading``: a line in capitals — speaker names ("PROSPERO."), act and scene titles;
- ``stage``: a stage direction, a line starting with "[";
- ``new word``: a character of a word that never occurs in the 40 training works (Caliban,
  Setebos, …): no model of characters can know these;
- ``text``: everything else.

Beside each class: its share of the characters, its bits/char, its share of all bits. Then the
same model on *Macbeth* (a play it was trained on) gives the fit it reached on ordinary text, and
"if text cost what Macbeth's does" recomputes the Tempest total with only the ``text`` class
moved to that level — the total if the model generalised perfectly to unseen lines of
Shakespeare but still met the new names as it does now.

    python bench/charlm_where_bits_go.py [model ...]   # default: shakespeare-rnn, -lstm, -gru

Needs the training texts (fetched once by ``python -m rnnviz.train``'s data module).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnnviz import models  # noqa: E402
from rnnviz.train import charlm, data  # noqa: E402
from rnnviz.train.lm_report import stream_bits  # noqa: E402

torch.set_num_threads(1)
CLASSES = ("heading", "stage", "new word", "text")
WORD = re.compile(r"[A-Za-z']+")
SEEN_PLAY = "macbeth_gut.txt"


def classes(text: str, known_words: set[str]) -> np.ndarray:
    """The class of every character of ``text`` but the first (aligned with ``stream_bits``)."""
    kind = np.empty(len(text), dtype=object)
    start = 0
    for line in text.split("\n"):
        s = line.strip()
        k = ("heading" if s and s.upper() == s and any(c.isalpha() for c in s)
             else "stage" if s.startswith("[") else "text")
        kind[start:start + len(line) + 1] = k
        start += len(line) + 1
    for m in WORD.finditer(text):
        if m.group() not in known_words and kind[m.start()] == "text":
            kind[m.start():m.end()] = "new word"
    return kind[1:]


def main(names: list[str]) -> None:
    texts = data.shakespeare_texts()
    train_text, _, tempest = charlm.split(texts)
    known = set(WORD.findall(train_text))
    seen_play = texts[SEEN_PLAY][: len(tempest)]
    kind = classes(tempest, known)
    seen_kind = classes(seen_play, known)
    print(f"The Tempest, {len(tempest):,} characters; {SEEN_PLAY} (in training) as the fit reference")
    for name in names or ["shakespeare-rnn", "shakespeare-lstm", "shakespeare-gru"]:
        model = models.load(name)
        b, b_seen = stream_bits(model, tempest).numpy(), stream_bits(model, seen_play).numpy()
        print(f"\n{name}: Tempest {b.mean():.3f} bits/char, {SEEN_PLAY} {b_seen.mean():.3f}")
        print(f"  {'class':9} {'chars':>6} {'bits/char':>9} {'bits':>6}")
        for k in CLASSES:
            sel = kind == k
            print(f"  {k:9} {sel.mean():6.1%} {b[sel].mean():9.3f} {b[sel].sum() / b.sum():6.1%}")
        text_fit = b_seen[seen_kind == "text"].mean()
        moved = (b[kind != "text"].sum() + (kind == "text").sum() * text_fit) / len(b)
        print(f"  text in {SEEN_PLAY}: {text_fit:.3f} bits/char; if the Tempest's text cost that: "
              f"total {moved:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
