"""Turning a sentence into time steps: tokenizers and vocabularies.

A recurrent cell sees one token per time step, so the tokens are what the learner sees on the
x axis. ``tokenize`` keeps the surface form (case, accents, emoji) for display; a ``Vocab`` decides
how a token maps to an embedding row (lower-casing, unknown-word token).

Invisible format characters (zero-width spaces and joiners, bidirectional marks, Unicode category
Cf) and control characters are dropped before tokenizing: they would become time steps nobody can
see. Text is NFC-normalised so "é" is one character however it was typed.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TOKENS = 400
LEVELS = ("word", "char")
_WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


def clean(text: str) -> str:
    """NFC text without invisible format/control characters (newlines and tabs become spaces)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(" " if ch in "\t\r\n" else ch for ch in text
                   if ch in "\t\r\n" or unicodedata.category(ch) not in ("Cf", "Cc"))


def tokenize(text: str, level: str = "word") -> list[str]:
    """Surface tokens: words and punctuation marks (``"word"``) or characters (``"char"``)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}.")
    text = clean(text)
    if level == "char":
        return list(text.strip())
    return _WORD.findall(text)


def clip(tokens: list[str], limit: int = MAX_TOKENS) -> tuple[list[str], bool]:
    """At most ``limit`` tokens, and whether any were cut."""
    return tokens[:limit], len(tokens) > limit


class Vocab:
    """Token <-> id. Unknown tokens map to ``unk``; ``lowercase`` folds case before lookup."""

    def __init__(self, itos: list[str], unk: str | None = "<unk>", lowercase: bool = False):
        if unk is not None and unk not in itos:
            itos = [unk] + list(itos)
        self.itos = list(itos)
        self.stoi = {s: i for i, s in enumerate(self.itos)}
        if len(self.stoi) != len(self.itos):
            raise ValueError("vocabulary has duplicate tokens.")
        self.unk = unk
        self.lowercase = lowercase

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return self.key(token) in self.stoi

    def key(self, token: str) -> str:
        return token.lower() if self.lowercase else token

    def encode(self, tokens: list[str]) -> list[int]:
        unk_id = self.stoi.get(self.unk) if self.unk is not None else None
        ids = []
        for tok in tokens:
            i = self.stoi.get(self.key(tok), unk_id)
            if i is None:
                raise KeyError(f"token {tok!r} is not in the vocabulary and it has no unknown-token.")
            ids.append(i)
        return ids

    def decode(self, ids) -> list[str]:
        return [self.itos[int(i)] for i in ids]

    def to_json(self) -> dict:
        return {"itos": self.itos, "unk": self.unk, "lowercase": self.lowercase}

    @classmethod
    def from_json(cls, obj: dict) -> "Vocab":
        return cls(obj["itos"], unk=obj.get("unk", "<unk>"), lowercase=obj.get("lowercase", False))
