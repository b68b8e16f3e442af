"""The chapter table: ten chapters in the lecture's order, each question's right answer computed,
every text in both languages with every number it needs, at most ~120 words a chapter."""

from __future__ import annotations

import re

import pytest

from rnnviz.i18n import catalogue, placeholders, t
from rnnviz.lessons import chapters

NUMBERS = [c.number for c in chapters.CHAPTERS]


@pytest.fixture(scope="module")
def lessons():
    return {n: chapters.chapter(n).lesson() for n in NUMBERS}


def test_ten_chapters_in_order():
    assert NUMBERS == list(range(1, 11))
    assert [c.slug for c in chapters.CHAPTERS][:4] == ["reading", "io-shapes", "forgetting", "forget-gate"]
    with pytest.raises(ValueError):
        chapters.chapter(11)


@pytest.mark.parametrize("number", NUMBERS)
def test_question_is_answerable(number, lessons):
    lesson = lessons[number]
    q = lesson.question
    assert len(q.options) == chapters.chapter(number).option_count >= 2
    assert 0 <= q.correct < len(q.options)
    assert lesson.page and all(isinstance(v, str) for v in lesson.params.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("number", NUMBERS)
def test_texts_fill_completely(number, lang, lessons):
    q = lessons[number].question
    cat = catalogue(lang)
    for part in ("title", "body", "question", "reveal"):
        assert f"learn.ch{number}_{part}" in cat
    question = t(f"learn.ch{number}_question", lang=lang, **q.prompt_args) if q.prompt_args else \
        cat[f"learn.ch{number}_question"]
    reveal = t(f"learn.ch{number}_reveal", lang=lang, **q.reveal_args)
    for option in q.options:
        text = t(option.key, lang=lang, **option.args) if option.args else cat[option.key]
        assert text.strip() and "{" not in text
    assert "{" not in question and "{" not in reveal
    assert placeholders(cat[f"learn.ch{number}_reveal"]) <= set(q.reveal_args)


@pytest.mark.parametrize("number", NUMBERS)
def test_at_most_about_120_words(number):
    english = catalogue("en")
    words = len(re.findall(r"\S+", english[f"learn.ch{number}_body"] + " " + english[f"learn.ch{number}_question"]))
    assert words <= 135, words


def test_default_answers_today(lessons):
    """What the shipped models say (computed): the chapters whose answer is a fact of the
    mathematics, not of the weights, must come out the same for any trained weights."""
    assert lessons[1].question.correct == 0          # the last state remembers the first token
    assert lessons[2].question.correct == 1          # N→1 reads only the last output
    assert lessons[8].question.correct == 1          # the backward final state is at output[0]
    assert lessons[9].question.correct == 1          # output[0] == h_n[1] in nn.LSTM(5, 6, 2)
