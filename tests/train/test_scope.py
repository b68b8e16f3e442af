"""The optional negation-scope rules (rnnviz.train.scope): each item's label is the content word's
lexicon sign, flipped once per negation, and nothing but the listed function words is invented.
No data needed: a toy lexicon and toy rated sentences stand in for VADER's."""
from __future__ import annotations

import random

from rnnviz.train import augment, scope

LEXICON = {"superb": 3.0, "dreadful": -2.5, "charming": 2.2, "tedious": -2.0, "love": 3.2,
           "hate": -2.7, "enjoy": 2.2, "dislike": -1.6, "mild": 0.6}
ROWS = [("The acting in this film is superb .", 1), ("The plot of the sequel was tedious .", 0),
        ("The music of the first film is dreadful .", 0), ("Some scenes of the version are charming .", 1),
        ("The acting of the cast is superb .", 1), ("The plot of the remake was tedious .", 0),
        ("The sets of the remake is dreadful .", 0), ("Many scenes of the film are charming .", 1),
        ("In the second act , the lights go out , and it is mild .", 1)]


def negations(text: str) -> int:
    """How many negations the rules put in: negated auxiliaries, negative subjects, frames."""
    t = f" {text} "
    frame = next((f for f in scope.NEGATING_FRAMES if t.startswith(f" {f} ")), None)
    rest = t[len(frame) + 1:] if frame else t
    inner = any(f" {w} " in rest for w in ["not", "never", "didn't", "don't", "won't", "couldn't",
                                            "cannot", "can't", "nobody", "no one", "none of us",
                                            "not one of us"])
    return int(frame is not None) + int(inner)


def test_verb_sentences_flip_the_verb_sign_once_per_negation():
    out = scope.verb_sentences(LEXICON, random.Random(0), n=200)
    assert len(out) == 200 and {label for _, label in out} == {0, 1}
    for text, label in out:
        verb = next(w for w in text.split() if w in scope.LIKING_VERBS)
        assert label == int(LEXICON[verb] > 0) ^ (negations(text) % 2), text


def test_double_negations_cancel_and_single_frames_flip():
    out = scope.double_negations(ROWS, LEXICON, random.Random(1), n=400)
    assert len(out) == 400
    kinds = {"double": 0, "frame": 0, "litotes": 0}
    for text, label in out:
        if any(text.startswith(lit + " ") for lit in scope.LITOTES):
            kinds["litotes"] += 1
            assert label == int(LEXICON[text.split()[-1]] > 0)
            continue
        word = next(w for w in reversed(text.split()) if w in LEXICON)
        n = negations(text)
        kinds["double" if n == 2 else "frame"] += 1
        assert n in (1, 2) and label == int(LEXICON[word] > 0) ^ (n % 2), text
    assert min(kinds.values()) > 50


def test_neutral_clauses_carry_no_lexicon_word_and_keep_the_label():
    clauses = scope.neutral_clauses(ROWS, LEXICON)
    assert "in the second act" in clauses and "the lights go out" in clauses
    assert not any(w in LEXICON for c in clauses for w in c.split())
    items = [("it is not superb", 0), ("i love it", 1)] * 50
    out = scope.with_neutral_clause(items, clauses, random.Random(2), share=0.5)
    assert 20 < len(out) < 80
    for text, label in out:
        core = next(t for t, _ in items if t in text)
        assert label == dict(items)[core] and text != core


def test_downtoners_are_separate_from_the_shipped_negators():
    # the shipped models were built with NEGATORS alone; DOWNTONERS only join when a recipe asks
    assert not set(augment.DOWNTONERS) & set(augment.NEGATORS)
    rng = random.Random(3)
    out = augment.negated_words(LEXICON, rng, per_word=2, negators=augment.NEGATORS + augment.DOWNTONERS)
    for text, label in out:
        assert text.rsplit(" ", 1)[0] in augment.NEGATORS + augment.DOWNTONERS
        assert label == int(LEXICON[text.split()[-1]] < 0)
