"""Language switch, lesson links and lesson (projector) mode — issue 7.

A teacher prepares a view, copies its link, and projects it in class, in English or in Chinese:

- **Language.** ``?lang=zh`` in the URL wins; then this session's last choice; then the browser's
  language (``st.context.locale``, i.e. ``navigator.language``: ``zh-CN``, ``zh-TW``, ``en-GB`` … are
  matched on their first subtag); then English. The sidebar switch changes it and writes it back to
  the URL, like every other control (``ui.params``). The language must be known *before* app.py
  builds the navigation, because the page titles are translated there: ``setup()`` runs first,
  ``switch()`` draws the widget later (a widget's new value is already in ``st.session_state`` when
  the rerun it triggers starts).
- **Lesson link.** Every control already mirrors its value in ``st.query_params`` (``ui.params``:
  sentence, model, layer, direction, step, unit, …), so the link to a view is the page's
  ``url_path`` plus all query parameters plus ``lang``. It is built *after* the page ran (the page
  writes its parameters while it runs), inside a popover that reruns the app when it opens — so it
  is current even after a fragment-only rerun (the step-through's Play/Next buttons rerun only their
  fragment, and a link drawn outside it would otherwise show the previous step).
- **Fragments.** A fragment rerun (the step-through's Play / Next) runs only the fragment, in a new
  script thread: app.py's ``setup()`` does not run and the language ContextVar is unset, so the
  fragment would be drawn in English. ``setup()`` therefore wraps ``st.fragment`` once per process
  (``ui.streamlit_internals.patch_fragment``, where every reliance on Streamlit internals is fenced)
  so that every fragment run first restores this session's language (``st.session_state["lang"]``).
- **Lesson mode** (``?lesson=1``): for a projector. CSS hides the sidebar, the toolbar and every
  input except the step controls (the ``step`` slider and the buttons that move it), and scales
  Streamlit's type up (its sizes are in rem), and draws chart axes and titles in the page's text
  colour (full contrast in either theme). The view itself — charts, chips, equations — stays.

This module draws only language-neutral markup itself; every word comes from ``locales/*/language.json``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import streamlit as st

from rnnviz.i18n import DEFAULT_LANG, languages, set_language, t
from ui import params
from ui.streamlit_internals import HIDDEN_INPUTS, KEY_CLASS, MAIN_CLASS, TESTID, patch_fragment

LANG = "lang"        # query parameter and widget key of the language
LESSON = "lesson"    # query parameter of lesson mode: ?lesson=1
TRUE = ("1", "true", "yes", "on")
# Inputs lesson mode keeps; buttons stay too (Back / Play / Next move the step). The lab's checkpoint
# scrubber and its cell picker are its step controls (a teacher scrubs training on the projector).
STEP_KEYS = ("step", "lab_ckpt", "lab_inspect")

# HIDDEN_INPUTS: the inputs lesson mode hides (data-testids, ui/streamlit_internals.py).
# Chart text drawn in the page's own colour: the ticks of every axis (xtick, x2tick, y5tick, and the
# colour bars' ycbcoloraxistick), every axis, chart and colour-bar title (g-xtitle, g-x2title,
# g-gtitle, cbtitle), legends, and annotations left in the Streamlit light theme's 60 % grey (their
# inline fill; the dark theme's default is already light; annotations with a colour of their own —
# labels on coloured boxes — keep it), and the token labels beside scatter points (State space).
CHART_TEXT = ", ".join(f".js-plotly-plot {part}" for part in (
    "g[class$='tick'] > text", ".infolayer g[class^='g-'][class$='title'] > text", ".cbtitle text", ".legendtext",
    ".annotation-text[style*='fill: rgb(128, 132, 149)']", ".scatterlayer .textpoint text"))
LESSON_ROOT_PX = 20  # Streamlit's type is rem-based: 16 px -> 20 px is 1.25x on a projector


def from_locale(locale: str | None, available: list[str] | None = None) -> str | None:
    """``"zh-CN"`` -> ``"zh"``, ``"en-US"`` -> ``"en"``; None if the browser's language has no catalogue.

    Traditional-Chinese locales (zh-TW, zh-HK) also get ``zh``: Simplified Chinese is far closer to
    what those readers read than the English fallback."""
    if not locale:
        return None
    primary = locale.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in (available if available is not None else languages()) else None


def session_language() -> str:
    """This session's language, from its state (usable where app.py did not run: fragment reruns)."""
    lang = st.session_state.get(LANG)
    return lang if lang in languages() else DEFAULT_LANG


def keep_language_in_fragments() -> None:
    """Wrap ``st.fragment`` (once per process) so a fragment rerun speaks the session's language."""
    patch_fragment(lambda: set_language(session_language()))


def setup() -> str:
    """Choose this run's language (URL > this session's choice > browser > English); call it first."""
    keep_language_in_fragments()
    available = languages()
    params.seed(LANG, from_locale(st.context.locale, available) or DEFAULT_LANG, params.choice(available))
    lang = st.session_state[LANG]
    if lang not in available:  # e.g. a catalogue removed while the session lived
        lang = st.session_state[LANG] = DEFAULT_LANG
    set_language(lang)
    return lang


def switch() -> str:
    """The sidebar selector (each language named in itself, so anyone can find their own)."""
    available = languages()
    lang = params.bound(st.radio, t("language.label"), key=LANG, default=DEFAULT_LANG,
                        parse=params.choice(available), options=available, horizontal=True,
                        format_func=lambda code: t("language.name", lang=code))
    return lang


def lesson_mode() -> bool:
    """``?lesson=1`` in the URL."""
    return str(st.query_params.get(LESSON, "")).strip().lower() in TRUE


def _exit_lesson() -> None:
    st.query_params.pop(LESSON, None)


def lesson_css(step_keys: tuple[str, ...] = STEP_KEYS) -> str:
    """The stylesheet of lesson mode (plain CSS: no user text in it)."""
    hidden = ", ".join(f'[data-testid="{name}"]' for name in HIDDEN_INPUTS)
    keep = "".join(f":not(.{KEY_CLASS}{key})" for key in step_keys)
    chrome = ",".join(f"[data-testid='{TESTID[part]}']" for part in
                      ("sidebar", "sidebar_collapsed", "expand_sidebar", "header", "toolbar"))
    return (
        "<style>"
        f"html{{font-size:{LESSON_ROOT_PX}px}}"
        f"{chrome}"
        "{display:none !important}"
        f".{MAIN_CLASS} [data-testid='{TESTID['element']}']:has(:is({hidden})){keep}{{display:none}}"
        f"[data-testid='{TESTID['main_block']}']{{padding-top:1rem;max-width:100%}}"
        # Chart axes in the page's own text colour, not the theme's 60 % grey (contrast 3.7 on white,
        # washed out further by a projector); currentColor follows the light or dark theme.
        f"{CHART_TEXT}{{fill:currentColor !important;fill-opacity:1 !important}}"
        "</style>"
    )


def apply_lesson_mode() -> bool:
    """In lesson mode: the projector stylesheet. Returns whether lesson mode is on."""
    if not lesson_mode():
        return False
    st.html(lesson_css())
    return True


def view_query(lang: str, lesson: bool = False) -> dict[str, str]:
    """Every query parameter of the current view, with the language (and lesson mode) set."""
    query = {key: value for key, value in st.query_params.to_dict().items() if key not in (LANG, LESSON)}
    query[LANG] = lang
    if lesson:
        query[LESSON] = "1"
    return query


def app_root(page_url_path: str, url: str | None) -> str:
    """The app's address without the page part: ``http://host:8501/step-through`` -> ``http://host:8501``.

    ``url`` is ``st.context.url`` (None outside a browser, e.g. in AppTest: then the link is relative)."""
    root = (url or "").split("?")[0].rstrip("/")
    if page_url_path and root.endswith("/" + page_url_path):
        root = root[: -len(page_url_path) - 1]
    return root


def view_link(page_url_path: str, query: dict[str, str], url: str | None) -> str:
    """``<root>/<page>?a=1&b=x%20y`` (spaces as %20, every reserved character escaped)."""
    return f"{app_root(page_url_path, url)}/{page_url_path}?{urlencode(query, quote_via=quote, safe='')}"


def share(page) -> None:
    """"Link to this view": two copyable links (normal and lesson mode), built after the page ran."""
    lang = st.session_state.get(LANG, DEFAULT_LANG)
    popover = st.popover(t("language.share"), icon=":material/link:", key="share_link", on_change="rerun",
                         help=t("language.share_help"), width="stretch")
    if not popover.open:
        return
    with popover:
        st.caption(t("language.link_view"))
        st.code(view_link(page.url_path, view_query(lang), st.context.url), language=None, wrap_lines=True)
        st.caption(t("language.link_lesson"))
        st.code(view_link(page.url_path, view_query(lang, lesson=True), st.context.url), language=None,
                wrap_lines=True)
        st.caption(t("language.link_note"))


def exit_lesson_button() -> None:
    """Lesson mode hides the sidebar; this small button at the end of the page brings it back."""
    st.button(t("language.exit_lesson"), key="lesson_exit", icon=":material/close_fullscreen:",
              type="tertiary", on_click=_exit_lesson)


def controls() -> bool:
    """Before the page runs: the language switch at the top of the sidebar, and in lesson mode the
    projector stylesheet. Returns whether lesson mode is on."""
    with st.sidebar:
        switch()
    return apply_lesson_mode()


def links(page) -> None:
    """After the page ran: "link to this view" in the sidebar; in lesson mode, the way out."""
    with st.sidebar:
        share(page)
    if lesson_mode():
        exit_lesson_button()
