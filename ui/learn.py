"""Streamlit glue of the Learn page: cached lessons, the chapter and the guesses in the URL, and the
controls that stay usable in lesson mode.

- **State in the URL.** ``?chapter=4&answers=ba.c`` (``rnnviz.lessons.score``): a teacher projects
  chapter 4 directly, a student's link reopens their progress. Both go through ``ui.params`` (the
  URL wins on a new session, then this session's value, then the default; junk falls back).
- **Lesson mode** (``?lesson=1``, ``ui.language``) hides every input widget except the step slider —
  but not buttons. So everything a learner must touch here is a button: Back / Next, one button per
  answer option, the links. The chapter picker (a select box) lives in the sidebar, which lesson
  mode hides anyway.
- **Cached lessons.** ``lesson(number)`` computes a chapter from the shipped models once per server
  (``st.cache_resource``: one immutable object shared by every session, never mutated).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlencode

import streamlit as st

from rnnviz.i18n import get_language, t
from rnnviz.lessons import chapters, score
from rnnviz.plots import learn as learn_plots
from ui import language, params
from ui.user_model import plain

CHAPTER = "chapter"
ANSWERS = "answers"
URL_PATH = "learn"  # this page's url_path in app.py
ROOT = Path(__file__).resolve().parents[1]
ANSWER_PATTERN = re.compile(rf"[a-z.]{{0,{chapters.COUNT}}}")
TOKEN_OPTION = "learn.option_token"
TOKEN_COLUMNS = 4


@st.cache_resource(show_spinner=False, max_entries=chapters.COUNT)
def lesson(number: int) -> chapters.Lesson:
    """Chapter ``number`` computed from the shipped models (shared by every session, read-only)."""
    return chapters.chapter(number).lesson()


@st.cache_resource(show_spinner=False, max_entries=4 * chapters.COUNT)
def chapter_figure(number: int, revealed: bool, lang: str) -> dict:
    """Chapter ``number``'s figure as a finished dict, built once per server, answer state and
    language (every rerun rebuilt it through two go.Figure validations: bench/bench_load.py).
    Read-only: ``ui.charts.show`` copies it before lesson mode enlarges it."""
    return learn_plots.chapter_figure(lesson(number), revealed=revealed, lang=lang).to_dict()


# ---------------------------------------------------------------------------------- URL state

def _parse_answers(raw) -> str:
    text = str(raw).strip().lower()
    if not ANSWER_PATTERN.fullmatch(text):
        raise ValueError(raw)
    return text


def _go(number: int) -> None:
    st.session_state[CHAPTER] = min(chapters.COUNT, max(1, number))


def _commit(chapter_index: int, option: int) -> None:
    guesses = score.answer(current_guesses(), chapter_index, option)
    st.session_state[ANSWERS] = score.encode(guesses)


def _start_over() -> None:
    st.session_state[ANSWERS] = ""
    st.session_state[CHAPTER] = 1


def chapter_picker() -> int:
    """The chapter (1-based), kept in the URL; a select box in the sidebar to jump anywhere."""
    lang = get_language()  # captured: AppTest re-formats options outside the script run's language
    with st.sidebar:
        number = params.bound(st.selectbox, t("learn.chapter_picker"), key=CHAPTER, default=1,
                              parse=params.integer(1, chapters.COUNT), options=list(range(1, chapters.COUNT + 1)),
                              format_func=lambda n: f"{n} · {t(f'learn.ch{n}_title', lang=lang)}")
    return int(number)


def current_guesses() -> list[int | None]:
    """One entry per chapter: the option index the learner committed to, or None."""
    params.seed(ANSWERS, "", _parse_answers)
    return score.parse(st.session_state[ANSWERS], chapters.option_counts())


def publish_guesses(guesses: list[int | None]) -> None:
    """Into the URL (``answers=`` dropped while nothing is answered: a clean link for chapter 1)."""
    text = score.encode(guesses)
    st.session_state[ANSWERS] = text
    if text:
        params.publish(ANSWERS, text)
    else:
        st.session_state[params.KEEP + ANSWERS] = ""
        st.query_params.pop(ANSWERS, None)


def tally(guesses: list[int | None]) -> tuple[int, int]:
    """(right, answered): each answered chapter's right answer is computed (and cached)."""
    correct = [lesson(k + 1).question.correct if g is not None else None for k, g in enumerate(guesses)]
    return score.tally(guesses, correct)


# ---------------------------------------------------------------------------------- drawing

def navigation(number: int, guesses: list[int | None]) -> None:
    """Chapter N of M · score, then Back and Next (buttons: usable in lesson mode)."""
    right, answered = tally(guesses)
    where, back, forward = st.columns([5, 1.3, 1.3], vertical_alignment="center")  # room for 上一章
    with where, st.container(key="learn_status"):
        status = (t("learn.score", right=right, answered=answered, count=chapters.COUNT) if answered
                  else t("learn.score_none", count=chapters.COUNT))
        st.markdown(f"**{t('learn.page')} · {t('learn.chapter_label', number=number, count=chapters.COUNT)}** · {status}")
    with back:
        st.button(t("learn.back"), key="learn_back", icon=":material/chevron_left:", on_click=_go,
                  args=(number - 1,), disabled=number <= 1, width="stretch")
    with forward:
        st.button(t("learn.next"), key="learn_next", icon=":material/chevron_right:", on_click=_go,
                  args=(number + 1,), disabled=number >= chapters.COUNT, type="primary", width="stretch")


def option_text(option: chapters.Option) -> str:
    """An option's words; tokens and numbers shown literally (never markdown)."""
    args = {key: plain(value) if isinstance(value, str) else value for key, value in option.args.items()}
    return t(option.key, **args)


def question_box(lesson_: chapters.Lesson, guess: int | None) -> None:
    """The question; before a guess one button per option, after it the verdict and the reveal."""
    q, n = lesson_.question, lesson_.number
    prompt = {key: plain(value) if isinstance(value, str) else value for key, value in q.prompt_args.items()}
    with st.container(border=True, key="learn_question"):
        st.markdown(f"**{t('learn.predict_heading')}** — {t(f'learn.ch{n}_question', **prompt)}")
        if guess is None:
            # short options (tokens) side by side; sentences one per row, so none is cut off
            per_row = TOKEN_COLUMNS if all(o.key == TOKEN_OPTION for o in q.options) else 1
            for start in range(0, len(q.options), per_row):
                row = q.options[start:start + per_row]
                for k, (column, option) in enumerate(zip(st.columns(per_row), row), start=start):
                    with column:
                        st.button(option_text(option), key=f"learn_option_{n}_{k}", on_click=_commit,
                                  args=(n - 1, k), width="stretch")
            st.caption(t("learn.predict_hint"))
            return
        st.markdown(t("learn.your_guess", guess=option_text(q.options[guess])))
        if guess == q.correct:
            st.success(t("learn.right"), icon=":material/check_circle:")
        else:
            st.warning(t("learn.wrong", answer=option_text(q.options[q.correct])), icon=":material/lightbulb:")  # a guess, not an error
        reveal = {key: plain(value) if isinstance(value, str) else value for key, value in q.reveal_args.items()}
        for key in ("label", "label1", "label2"):
            if key in q.reveal_args:
                from rnnviz.plots.learn import label_text

                reveal[key] = plain(label_text(q.reveal_args[key]))
        st.markdown(t(f"learn.ch{n}_reveal", **reveal))


def link(page: str, query: dict[str, str], lesson_mode: bool) -> str:
    """The address of another page of this app with ``query`` (and the language, and lesson mode)."""
    query = dict(query)
    query[language.LANG] = st.session_state.get(language.LANG, "en")
    if lesson_mode:
        query[language.LESSON] = "1"
    root = language.app_root(URL_PATH, st.context.url)
    return f"{root}/{page}?{urlencode(query, quote_via=quote, safe='')}"


def page_exists(url_path: str) -> bool:
    """Whether this app has the page (the lab and the state space arrived in the same round)."""
    return (ROOT / "views" / f"{url_path.replace('-', '_')}.py").is_file()


def full_view(lesson_: chapters.Lesson, lesson_mode: bool) -> None:
    """"Open this in the full view", and the chapter's further views that this app has."""
    links = [("learn.open_full", lesson_.page, lesson_.params)]
    links += [(key, page, query) for key, page, query in lesson_.also if page_exists(page)]
    for column, (key, page, query) in zip(st.columns(len(links)), links):
        with column:
            st.link_button(t(key), link(page, query, lesson_mode), icon=":material/open_in_new:")


def start_over() -> None:
    st.button(t("learn.start_over"), key="learn_start_over", icon=":material/restart_alt:", type="tertiary",
              on_click=_start_over, help=t("learn.start_over_help"))
