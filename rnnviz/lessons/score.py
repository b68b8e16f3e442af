"""A learner's guesses as a short URL value, and the running score.

``answers=ba.c`` means: chapter 1 answered option b, chapter 2 option a, chapter 3 not yet,
chapter 4 option c. One character per chapter (``.`` = not answered), trailing dots dropped, so a
link stays short and readable and a hand-edited link can only ever mean a set of guesses. Anything
that is not a letter of a real option reads as "not answered" (a broken link never breaks the page).
"""

from __future__ import annotations

from collections.abc import Sequence

UNANSWERED = "."
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def letter(index: int) -> str:
    """Option 0 -> "a", 1 -> "b", ..."""
    return LETTERS[index]


def parse(raw: str | None, option_counts: Sequence[int]) -> list[int | None]:
    """``"ba.c"`` -> ``[1, 0, None, 2, None, ...]`` (one entry per chapter; option index or None)."""
    text = (raw or "").strip().lower()
    guesses: list[int | None] = []
    for k, count in enumerate(option_counts):
        ch = text[k] if k < len(text) else UNANSWERED
        index = LETTERS.find(ch) if ch in LETTERS else -1
        guesses.append(index if 0 <= index < count else None)
    return guesses


def encode(guesses: Sequence[int | None]) -> str:
    """The inverse of :func:`parse`: ``[1, 0, None, 2]`` -> ``"ba.c"`` (trailing dots dropped)."""
    return "".join(UNANSWERED if g is None else letter(g) for g in guesses).rstrip(UNANSWERED)


def answer(guesses: Sequence[int | None], chapter_index: int, option: int) -> list[int | None]:
    """Commit a guess for one chapter. The first guess counts: a chapter already answered keeps it."""
    out = list(guesses)
    if out[chapter_index] is None:
        out[chapter_index] = option
    return out


def tally(guesses: Sequence[int | None], correct: Sequence[int | None]) -> tuple[int, int]:
    """(right, answered) over the chapters answered so far. ``correct[k]`` is None when chapter k's
    right answer has not been computed (then it is not counted)."""
    right = answered = 0
    for guess, truth in zip(guesses, correct):
        if guess is None or truth is None:
            continue
        answered += 1
        right += int(guess == truth)
    return right, answered
