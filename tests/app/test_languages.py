"""Every registered page in both languages (AppTest), the language switch, lesson links, lesson mode.

The pages are read from app.py's ``PAGES`` (its ``st.Page("views/....py", ...)`` calls), so a page
added there is tested here without editing this file. A page "works" when the run raises nothing,
shows no friendly error (ui/safety.py turns exceptions into ``st.error`` — a page can fail without
an exception reaching AppTest), and — in Chinese — its title and some of its text are Chinese.

AppTest note: after a run, AppTest calls a selectbox's ``format_func`` in *this* thread to find the
selected option, so the test thread must be in the same language as the app (``same_language``).
"""

from __future__ import annotations

import ast
import contextlib
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from rnnviz.i18n import catalogue, set_language

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


def registered_pages() -> list[tuple[str, str, bool]]:
    """(script path, url_path, default?) of every st.Page in app.py."""
    pages = []
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args:
            kw = {k.arg: k.value for k in node.keywords}
            url = kw["url_path"].value if "url_path" in kw else Path(node.args[0].value).stem
            default = "default" in kw and bool(kw["default"].value)
            pages.append((node.args[0].value, url, default))
    return pages


PAGES = registered_pages()


@contextlib.contextmanager
def same_language(lang: str):
    set_language(lang)
    try:
        yield
    finally:
        set_language("en")


def texts(at) -> list[str]:
    """Every visible text element of a run: titles, headings, markdown, captions, alerts, labels."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success",
                 "error", "text"):
        out += [str(e.value) for e in at.get(kind)]
    for kind in ("button", "selectbox", "slider", "select_slider", "radio", "text_input", "number_input",
                 "toggle", "checkbox", "multiselect"):
        out += [str(getattr(e, "label", "")) for e in at.get(kind)]
    return out


def run_page(at, path: str, default: bool):
    if not default:
        at.switch_page(path)
    at.run()
    return at


def test_app_registers_pages():
    assert len(PAGES) >= 2 and sum(default for *_, default in PAGES) == 1, PAGES


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_in_both_languages(app_test, lang):
    at = app_test({"lang": lang})
    failures = []
    with same_language(lang):
        for path, url_path, default in PAGES:
            run_page(at, path, default)
            shown = texts(at)
            if at.exception:
                failures.append(f"{path}: exception {[e.message for e in at.exception]}")
                continue
            errors = [e.value for e in at.error]
            if errors:
                failures.append(f"{path}: error shown {errors}")
            titles = [e.value for e in at.title]
            if not titles:
                failures.append(f"{path}: no title")
            if lang == "zh":
                if titles and not CJK.search(titles[0]):
                    failures.append(f"{path}: title not Chinese: {titles[0]!r}")
                chinese = [s for s in shown if CJK.search(s)]
                if len(chinese) < 3:
                    failures.append(f"{path}: only {len(chinese)} Chinese texts: {shown[:8]}")
            else:
                bilingual = catalogue("en")["language.label"]  # "Language · 语言": findable by anyone
                leaked = [s for s in shown if CJK.search(s) and s != bilingual]
                if leaked:
                    failures.append(f"{path}: Chinese in the English page: {leaked[:3]}")
            if at.query_params.get("lang") not in (lang, [lang]):
                failures.append(f"{path}: lang not kept in the URL: {dict(at.query_params)}")
    assert not failures, "\n".join(failures)


def test_pages_reached_through_app(app_test):
    """Every page must run inside app.py (language, navigation, lesson links), not on its own: a
    folder named ``pages`` next to app.py is auto-discovered by Streamlit even with st.navigation, and
    a page whose url_path equals its file name then ran alone (English, no switch, no links)."""
    at = app_test({"lang": "zh"})
    alone = []
    with same_language("zh"):
        for path, url_path, default in PAGES:
            try:
                run_page(at, path, default)
            except ValueError:  # AppTest cannot even read the stand-alone page's widgets back
                alone.append(path)
                continue
            if not [r for r in at.radio if r.key == "lang"]:
                alone.append(path)
    assert not alone, f"ran without app.py: {alone}"


def test_switch_changes_language_and_url(app_test):
    at = app_test()  # no ?lang= and no browser locale in AppTest: English
    assert at.title[0].value == catalogue("en")["gate_explorer.title"]
    assert at.radio(key="lang").value == "en"
    at.radio(key="lang").set_value("zh").run()
    with same_language("zh"):
        assert not at.exception
        assert at.title[0].value == catalogue("zh")["gate_explorer.title"]
        assert at.query_params["lang"] in ("zh", ["zh"])
        # the choice survives a page switch (navigation drops query parameters; the session keeps it)
        path = next(p for p, url, default in PAGES if url == "step-through")
        at.switch_page(path).run()
        assert not at.exception and CJK.search(at.title[0].value)


def test_url_language_wins_and_bad_values_fall_back(app_test):
    with same_language("zh"):
        assert CJK.search(app_test({"lang": "zh"}).title[0].value)
    at = app_test({"lang": "xx"})
    assert not at.exception and at.title[0].value == catalogue("en")["gate_explorer.title"]


def link_query(link: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(link)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}


def open_share(at):
    at.session_state["share_link"] = True  # what opening the "link to this view" popover does
    at.run()
    assert not at.exception and not at.error
    links = [c.value for c in at.code]
    assert len(links) == 2, links
    return [link_query(link) for link in links]


def chart_specs(at) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")]


def test_link_reopens_the_same_view(app_test):
    """Gate Explorer (the default page, which AppTest can open straight from a link)."""
    state = {"lang": "zh", "sentence": "the film was not bad", "model": "untrained", "cell": "Bi-LSTM",
             "layers": "2", "hidden": "8", "seed": "7", "level": "word", "step": "3", "unit": "5"}
    at = app_test(state)
    with same_language("zh"):
        (path, view), (lesson_path, lesson) = open_share(at)
        assert path == lesson_path == "/"
        assert {k: view.get(k) for k in state} == state
        assert "lesson" not in view and lesson == {**view, "lesson": "1"}
        again = app_test(view)  # a new session opening the link
        assert not again.exception and not again.error
        assert again.text_input(key="sentence").value == state["sentence"]
        assert again.slider(key="unit").value == 5 and again.select_slider(key="step").value == 3
        specs = chart_specs(again)
        assert specs and specs == chart_specs(at), "the reopened link draws different charts"
        assert any("第 2 层" in spec for spec in specs)  # Chinese axis/titles inside the figures


def test_link_of_a_lesson_page_has_every_control(app_test):
    at = app_test({"lang": "zh"})
    path = next(p for p, url, default in PAGES if url == "step-through")
    with same_language("zh"):
        at.switch_page(path).run()
        at.text_input(key="sentence").set_value("the film was not bad").run()
        at.select_slider(key="step").set_value(3).run()
        at.slider(key="unit").set_value(5).run()
        (url_path, view), _ = open_share(at)
    assert url_path == "/step-through"
    assert view["sentence"] == "the film was not bad" and view["step"] == "3" and view["unit"] == "5"
    assert view["lang"] == "zh" and {"model", "layer", "direction", "focus"} <= set(view)


def test_lesson_mode_and_leaving_it(app_test):
    at = app_test({"lang": "zh", "lesson": "1", "step": "2"})
    assert not at.exception
    styles = [h.proto.body for h in at.get("html")]
    assert any("stSidebar" in s and "display:none" in s for s in styles), "no lesson stylesheet"
    with same_language("zh"):
        at.button(key="lesson_exit").click().run()
        assert "lesson" not in at.query_params
        assert not any("stSidebar" in h.proto.body for h in at.get("html"))
        assert not [b for b in at.button if b.key == "lesson_exit"]
