"""The guesses in the URL: parse / encode round trip, junk read as unanswered, first guess counts."""

from __future__ import annotations

from hypothesis import given, strategies as st

from rnnviz.lessons import score

COUNTS = [2, 3, 3, 10, 3, 3, 2, 3, 3, 2]


def test_parse_and_encode():
    guesses = score.parse("ba.c", COUNTS)
    assert guesses == [1, 0, None, 2] + [None] * 6
    assert score.encode(guesses) == "ba.c"
    assert score.encode([None] * 10) == ""


def test_junk_and_out_of_range_letters_read_as_unanswered():
    # chapter 1 has two options: "c" is not one of them; "?" and "Z" are no letters of ours
    assert score.parse("c?Zj", COUNTS)[:4] == [None, None, None, 9]
    assert score.parse(None, COUNTS) == [None] * 10
    assert score.parse("a" * 50, COUNTS) == [0] * 10  # longer than the chapters: the rest ignored


@given(st.lists(st.one_of(st.none(), st.integers(0, 1)), min_size=10, max_size=10))
def test_round_trip(guesses):
    assert score.parse(score.encode(guesses), COUNTS) == guesses


def test_first_guess_counts():
    guesses = score.answer([None] * 10, 3, 4)
    assert guesses[3] == 4
    assert score.answer(guesses, 3, 7)[3] == 4  # a second click does not change a committed guess


def test_tally_counts_answered_chapters_only():
    guesses = [1, 0, None, 2, None, None, None, None, None, None]
    correct = [1, 1, 0, 2, 0, 0, 0, 0, 0, 0]
    assert score.tally(guesses, correct) == (2, 3)
    assert score.tally([None] * 10, correct) == (0, 0)
