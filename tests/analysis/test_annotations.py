"""rnnviz.analysis.annotations: each annotation on hand-checked text; the ranking finds a planted unit."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.analysis import annotations as an
from rnnviz.models.text import tokenize


def chars(text):
    return tokenize(text, "char")


def test_quotes_and_brackets_word_and_char():
    words = tokenize('he said "not (very) good" ok', "word")
    assert list(an.annotate("inside_quotes", words, "word")) == [0, 0, 0, 1, 1, 1, 1, 1, 0, 0]
    assert list(an.annotate("bracket_depth", words, "word")) == [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]
    c = chars('a"bc"d')
    assert list(an.annotate("inside_quotes", c, "char")) == [0, 0, 1, 1, 0, 0]
    assert list(an.annotate("inside_brackets", chars("x(y[z])w"), "char")) == [0, 1, 1, 1, 1, 1, 1, 0]
    assert list(an.annotate("bracket_depth", chars("(a(b))"), "char")) == [1, 1, 2, 2, 2, 1]


def test_positions_vowels_and_case():
    c = chars("ab cd,e")
    assert np.array_equal(an.annotate("position_in_word", c, "char"),
                          [0, 1, np.nan, 0, 1, np.nan, 0], equal_nan=True)
    assert np.isnan(an.annotate("position_in_word", ["hello"], "word")).all()
    assert np.array_equal(an.annotate("vowel", chars("Ab é."), "char"), [1, 0, np.nan, 1, np.nan], equal_nan=True)
    assert list(an.annotate("position_in_sentence", tokenize("Hi . Go on", "word"), "word")) == [0, 1, 0, 1]
    assert np.array_equal(an.annotate("uppercase", chars("Ab1"), "char"), [1, 0, np.nan], equal_nan=True)
    assert list(an.annotate("count_a_minus_b", chars("aabb."), "char")) == [1, 2, 1, 0, 0]


def test_negation_scope_ends_at_punctuation():
    words = tokenize("it is not bad at all , really good", "word")
    assert list(an.annotate("after_negation", words, "word")) == [0, 0, 0, 1, 1, 1, 0, 0, 0]
    assert list(an.annotate("after_negation", tokenize("I didn't like it", "word"), "word")) == [0, 0, 1, 1]
    c = chars("no ab. c")
    assert list(an.annotate("after_negation", c, "char")) == [0, 0, 1, 1, 1, 0, 0, 0]


def test_names_for_level_and_unknown_name():
    assert "position_in_word" in an.names_for("char") and "position_in_word" not in an.names_for("word")
    with pytest.raises(ValueError, match="unknown annotation"):
        an.annotate("nope", ["a"], "word")


def test_correlation_matches_numpy_and_ranking_finds_planted_unit():
    rng = np.random.default_rng(0)
    a = an.annotate("inside_quotes", chars('say "hello there" and "bye" now'), "char")
    noise = rng.standard_normal((len(a), 6))
    planted = noise.copy()
    planted[:, 4] = -(a * 2 - 1) + 0.1 * rng.standard_normal(len(a))  # anti-correlated unit
    r = an.correlations(planted, a)
    assert r[4] == pytest.approx(np.corrcoef(planted[:, 4], a)[0, 1])
    scores = an.rank_units({(0, 0): noise, (1, 1): planted}, a, top=3)
    assert (scores[0].layer, scores[0].direction, scores[0].unit) == (1, 1, 4)
    assert scores[0].r < -0.9 and abs(scores[1].r) <= abs(scores[0].r)


def test_nan_steps_are_skipped_and_constant_unit_is_zero():
    a = np.array([0.0, np.nan, 1.0, 2.0])
    v = np.array([[1.0, 5.0], [100.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    r = an.correlations(v, a)
    assert r[0] == pytest.approx(1.0) and r[1] == 0.0
    with pytest.raises(ValueError, match="constant"):
        an.correlations(v, np.array([1.0, 1.0, np.nan, 1.0]))
