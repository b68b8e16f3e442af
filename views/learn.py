"""Learn: the lecture notes as ten short chapters, each with a live figure and a prediction.

Thin page: the chapter and the learner's guesses from the URL (``ui.learn``) -> the chapter computed
from the shipped models (``rnnviz.lessons``, cached) -> its figure (``rnnviz.plots.learn``, built
with the full views' own builders) -> draw. A guess is committed before the answer and the figure's
highlight appear; the first guess counts, and the running score sits beside Back / Next. The figure
is cached per chapter, answer state and language (``ui.learn.chapter_figure``).
"""

from __future__ import annotations

import streamlit as st

from rnnviz.i18n import get_language, t
from ui import charts, language, learn
from ui.safety import safe


@safe
def render() -> None:
    lesson_mode = language.lesson_mode()
    number = learn.chapter_picker()
    guesses = learn.current_guesses()
    learn.publish_guesses(guesses)
    st.title(t(f"learn.ch{number}_title"))  # the chapter is the heading: the figure starts high on screen
    learn.navigation(number, guesses)

    lesson = learn.lesson(number)
    guess = guesses[number - 1]
    text, figure = st.columns([2, 3], gap="medium")
    with text:
        st.markdown(t(f"learn.ch{number}_body"))
        if number == 1 and not any(g is not None for g in guesses):
            st.caption(t("learn.intro"))
    with figure:  # the figure, and right under it the question about it
        # fonts at least the screen's 12 px; in lesson mode charts.show draws every chart 4/3 larger (16 px)
        fig = learn.chapter_figure(number, guess is not None, get_language())
        charts.show(fig, key=f"learn_figure_{number}_{int(guess is not None)}")  # a fresh chart, not an update of the last
        learn.question_box(lesson, guess)
        learn.full_view(lesson, lesson_mode)
    if any(g is not None for g in guesses):
        learn.start_over()


render()
