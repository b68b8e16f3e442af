"""Annotations of a token sequence, and units ranked by how well they track one.

Karpathy, Johnson & Fei-Fei (2015), "Visualizing and Understanding Recurrent Networks"
(arXiv:1506.02078), found single LSTM cells in character models that turn on inside quotes, count
position in a line, or follow bracket depth. The unit finder repeats their experiment on any model
here (the tokenizer turns line breaks into spaces, so the line-length cell has no annotation
here): pick a property of the text (an *annotation*: one number per token, or NaN where it is not
defined), and rank every unit of a quantity by the Pearson correlation of its values with it::

    a = annotate("inside_quotes", tokens, level="char")      # (T,) float64: 1 inside, 0 outside
    scores = rank_units({(layer, d): tr.get("hidden_state", layer, d) ...}, a)
    scores[0]  # UnitScore(layer=0, direction=0, unit=17, r=0.83, n=120)

    r(u) = Σ_t (a_t − ā)(v_t − v̄) / sqrt(Σ_t (a_t − ā)² · Σ_t (v_t − v̄)²)   over t where a_t is defined

A unit whose |r| is near 1 tracks the property linearly; the sign only says which way it swings.
A correlation on one short sentence is weak evidence: the page offers a longer reference text.

Annotations work on the *tokens the model reads*: characters for character models (where "position
in word" and "vowel" make sense), words for word models (where a "word" is one token).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

NEGATIONS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "nowhere", "without",
    "hardly", "barely", "scarcely", "cannot", "n't",
})
CLAUSE_END = frozenset(".,;:!?")  # a negation's scope ends at the next punctuation mark
OPENING, CLOSING = "([{", ")]}"
QUOTES = "\"“”"
VOWELS = frozenset("aeiouAEIOU")


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "'’_"


def _is_negation(token: str) -> bool:
    low = token.lower()
    return low in NEGATIONS or low.endswith("n't") or low.endswith("n’t")


# --------------------------------------------------------------------------- the annotations

def inside_quotes(tokens: Sequence[str], level: str) -> np.ndarray:
    """1 for tokens strictly between an opening and its closing double quote, else 0."""
    out, inside = np.zeros(len(tokens)), False
    for t, tok in enumerate(tokens):
        if tok in QUOTES:  # " toggles, “ opens, ” closes; the quote marks themselves count as 0
            inside = (not inside) if tok == '"' else (tok == "“")
            continue
        out[t] = float(inside)
    return out


def bracket_depth(tokens: Sequence[str], level: str) -> np.ndarray:
    """How many ( [ { are open at each token (the bracket itself counts as inside)."""
    out, depth = np.zeros(len(tokens)), 0
    for t, tok in enumerate(tokens):
        if tok in OPENING:
            depth += 1
        out[t] = depth
        if tok in CLOSING:
            depth = max(0, depth - 1)
    return out


def inside_brackets(tokens: Sequence[str], level: str) -> np.ndarray:
    """1 for tokens inside any bracket pair (brackets included), else 0."""
    return (bracket_depth(tokens, level) > 0).astype(np.float64)


def position_in_word(tokens: Sequence[str], level: str) -> np.ndarray:
    """Characters: 0, 1, 2 … within each word, NaN on spaces and punctuation. Words: NaN (a word
    token has no position inside a word)."""
    out = np.full(len(tokens), np.nan)
    if level != "char":
        return out
    k = 0
    for t, tok in enumerate(tokens):
        if tok and _is_word_char(tok):
            out[t] = k
            k += 1
        else:
            k = 0
    return out


def position_in_sentence(tokens: Sequence[str], level: str) -> np.ndarray:
    """Tokens since the start of the sentence; resets after . ! ?"""
    out, k = np.zeros(len(tokens)), 0
    for t, tok in enumerate(tokens):
        out[t] = k
        k = 0 if tok in (".", "!", "?") else k + 1
    return out


def after_negation(tokens: Sequence[str], level: str) -> np.ndarray:
    """1 for tokens after a negation word (not, never, n't, …) up to the next punctuation mark."""
    out = np.zeros(len(tokens))
    if level == "char":
        words, starts, k = [], [], 0  # rebuild words from characters, remember where each ends
        while k < len(tokens):
            if _is_word_char(tokens[k]):
                j = k
                while j < len(tokens) and _is_word_char(tokens[j]):
                    j += 1
                words.append(("".join(tokens[k:j]), k, j))
                k = j
            else:
                words.append((tokens[k], k, k + 1))
                k += 1
        active = False
        for word, a, b in words:
            if word in CLAUSE_END:
                active = False
            out[a:b] = float(active)
            if _is_negation(word):
                active = True
        return out
    active = False
    for t, tok in enumerate(tokens):
        if tok in CLAUSE_END:
            active = False
        out[t] = float(active)
        if _is_negation(tok):
            active = True
    return out


def vowel(tokens: Sequence[str], level: str) -> np.ndarray:
    """Characters: 1 for a vowel, 0 for a consonant, NaN for anything that is not a Latin letter.
    Words: whether the word starts with a vowel."""
    out = np.full(len(tokens), np.nan)
    for t, tok in enumerate(tokens):
        ch = tok[:1] if level == "word" else (tok if len(tok) == 1 else "")
        base = unicodedata.normalize("NFKD", ch)[:1]
        if base.isascii() and base.isalpha():
            out[t] = float(base in VOWELS)
    return out


def space(tokens: Sequence[str], level: str) -> np.ndarray:
    """1 on whitespace tokens (a word boundary for character models), else 0."""
    return np.array([float(tok.isspace()) for tok in tokens])


def uppercase(tokens: Sequence[str], level: str) -> np.ndarray:
    """1 for a letter in capitals (words: a capitalised word), 0 for lower case, NaN otherwise."""
    out = np.full(len(tokens), np.nan)
    for t, tok in enumerate(tokens):
        ch = tok[:1]
        if ch.isalpha() and ch.upper() != ch.lower():
            out[t] = float(ch.isupper())
    return out


def punctuation(tokens: Sequence[str], level: str) -> np.ndarray:
    """1 for punctuation tokens, else 0."""
    return np.array([float(bool(tok) and all(unicodedata.category(c).startswith("P") for c in tok))
                     for tok in tokens])


def count_a_minus_b(tokens: Sequence[str], level: str) -> np.ndarray:
    """#a − #b read so far (the counter of aⁿbⁿ: the quantity an LSTM cell learns to hold)."""
    out, n = np.zeros(len(tokens)), 0
    for t, tok in enumerate(tokens):
        n += (tok == "a") - (tok == "b")
        out[t] = n
    return out


@dataclass(frozen=True)
class Annotation:
    name: str
    fn: Callable[[Sequence[str], str], np.ndarray]
    levels: tuple[str, ...] = ("word", "char")


ANNOTATIONS: dict[str, Annotation] = {a.name: a for a in (
    Annotation("inside_quotes", inside_quotes),
    Annotation("inside_brackets", inside_brackets),
    Annotation("bracket_depth", bracket_depth),
    Annotation("after_negation", after_negation),
    Annotation("position_in_word", position_in_word, ("char",)),
    Annotation("position_in_sentence", position_in_sentence),
    Annotation("vowel", vowel),
    Annotation("space", space, ("char",)),
    Annotation("uppercase", uppercase),
    Annotation("punctuation", punctuation),
    Annotation("count_a_minus_b", count_a_minus_b),
)}


def names_for(level: str) -> list[str]:
    """The annotations that make sense for tokens of ``level`` ("word" | "char")."""
    return [name for name, a in ANNOTATIONS.items() if level in a.levels]


def annotate(name: str, tokens: Sequence[str], level: str) -> np.ndarray:
    """The annotation ``name`` of ``tokens``: float64 ``(T,)``, NaN where it is not defined."""
    if name not in ANNOTATIONS:
        raise ValueError(f"unknown annotation {name!r}; choose one of {', '.join(ANNOTATIONS)}.")
    return np.asarray(ANNOTATIONS[name].fn(list(tokens), level), dtype=np.float64)


# --------------------------------------------------------------------------- ranking units

@dataclass(frozen=True)
class UnitScore:
    layer: int
    direction: int
    unit: int
    r: float  # Pearson correlation with the annotation
    n: int  # steps where the annotation is defined


def correlations(values: np.ndarray, annotation: np.ndarray) -> np.ndarray:
    """Pearson r of every column of ``values`` (T, H) with ``annotation`` (T,), over the steps where
    the annotation is defined. A constant unit gets r = 0 (it tracks nothing). (H,) float64"""
    keep = ~np.isnan(annotation)
    a = annotation[keep]
    v = np.asarray(values, dtype=np.float64)[keep]  # (n, H)
    if a.size < 2 or np.ptp(a) == 0:
        raise ValueError("the annotation is constant on this text, so no unit can correlate with it")
    a = a - a.mean()
    v = v - v.mean(axis=0)
    denom = np.sqrt((a @ a) * (v * v).sum(axis=0))  # (H,)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (a @ v) / denom
    return np.where(denom > 1e-12, r, 0.0)


def rank_units(values: Mapping[tuple[int, int], np.ndarray], annotation: np.ndarray,
               top: int | None = None) -> list[UnitScore]:
    """Every unit of every (layer, direction) -> (T, H) array, best |r| first."""
    n = int((~np.isnan(annotation)).sum())
    scores = [UnitScore(layer, d, u, float(r), n)
              for (layer, d), v in values.items() for u, r in enumerate(correlations(v, annotation))]
    scores.sort(key=lambda s: (-abs(s.r), s.layer, s.direction, s.unit))
    return scores[:top] if top else scores
