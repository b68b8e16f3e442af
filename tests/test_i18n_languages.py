"""Both languages, complete and consistent, and no user-facing text outside the catalogue (issue 7).

- Every English catalogue file has a Chinese twin (and no orphan), with exactly the same keys and
  the same ``{placeholders}``; every Chinese template formats with the arguments the English one
  takes; every Chinese value that translates English words actually contains Chinese.
- No page or ui file passes a user-facing literal to Streamlit: an AST scan of every ``st.*`` /
  container call's text arguments (labels, bodies, help, placeholders, captions). See
  ``literal_violations`` for what counts and ``ALLOWED_CALLS`` for the few exceptions.
- ui.language: browser-locale matching and the lesson link (pure parts; the AppTest of the switch
  is in tests/app/test_languages.py).

Unused keys in English are tests/test_i18n.py's job; a Chinese key without an English one is
"unused" here (the code only ever asks for keys English has).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from rnnviz.i18n import LOCALES_DIR, catalogue, languages, placeholders, set_language, t

ROOT = Path(__file__).resolve().parents[1]
OTHER = [lang for lang in languages() if lang != "en"]
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z]+(?:_[A-Za-z0-9]+)*")

# Chinese values that may stay as in English, and why.
SAME_IN_EVERY_LANGUAGE = {
    # torch constructor arguments, shown exactly as they are spelled in code
    "pytorch_shapes.bidirectional": "torch argument name",
    "your_model.p_bidirectional": "torch argument name",
    "your_model.p_bias": "torch argument name",
    # input *data* for the English-trained models (quotes, brackets, negations to correlate with)
    "neuron_view.reference_text": "English sample text the English models read",
}


def english_words(template: str) -> list[str]:
    """Natural-language words in a template: not placeholders, not code identifiers, not one letter."""
    text = re.sub(r"\{[^{}]*\}", " ", template)
    text = re.sub(r"`[^`]*`", " ", text)  # inline code
    return [w for w in WORD.findall(text) if "_" not in w and len(w) > 1]


def test_there_is_a_second_language():
    assert "zh" in languages(), "locales/zh is missing"


@pytest.mark.parametrize("lang", OTHER)
def test_one_file_per_english_file(lang):
    english = {p.name for p in (LOCALES_DIR / "en").glob("*.json")}
    other = {p.name for p in (LOCALES_DIR / lang).glob("*.json")}
    assert not english - other, f"locales/{lang} lacks {sorted(english - other)}"
    assert not other - english, f"locales/{lang} has files English does not: {sorted(other - english)}"


@pytest.mark.parametrize("lang", OTHER)
def test_same_keys_and_placeholders_per_file(lang):
    problems = []
    for en_path in sorted((LOCALES_DIR / "en").glob("*.json")):
        other_path = LOCALES_DIR / lang / en_path.name
        if not other_path.exists():
            continue  # reported by test_one_file_per_english_file
        en = json.loads(en_path.read_text(encoding="utf-8"))
        other = json.loads(other_path.read_text(encoding="utf-8"))
        missing, unused = sorted(set(en) - set(other)), sorted(set(other) - set(en))
        if missing:
            problems.append(f"{lang}/{en_path.name} misses {missing}")
        if unused:
            problems.append(f"{lang}/{en_path.name} has keys English does not use: {unused}")
        for key in set(en) & set(other):
            if placeholders(en[key]) != placeholders(other[key]):
                problems.append(f"{lang}/{en_path.name}:{key} placeholders {placeholders(other[key])} "
                                f"!= English {placeholders(en[key])}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", OTHER)
def test_templates_format_like_english(lang):
    """Same fields *and* compatible format specs ({p:.1f} with a float, {layer} with an int, …)."""
    english = catalogue("en")
    for key, template in catalogue(lang).items():
        args = {name.split(".")[0].split("[")[0]: 1 for name in placeholders(english[key])}
        if not args:
            continue
        english[key].format(**args)
        text = template.format(**args)
        assert "{" not in text.replace("{{", "") or "{{" in template, key


@pytest.mark.parametrize("lang", OTHER)
def test_translations_are_translated(lang):
    english, other = catalogue("en"), catalogue(lang)
    untranslated = sorted(k for k, v in other.items()
                          if english_words(english[k]) and not CJK.search(v) and k not in SAME_IN_EVERY_LANGUAGE)
    assert not untranslated, f"{lang}: values still in English: {untranslated}"
    stale = sorted(k for k in SAME_IN_EVERY_LANGUAGE if k in other and other[k] != english[k])
    assert not stale, f"allow-listed keys must equal English exactly (or leave the list): {stale}"


def test_the_lecture_notes_terms():
    """The Chinese names of the gates and states are the lecture notes' own."""
    zh = catalogue("zh")
    for key, term in {"quantities.forget_gate": "遗忘门", "quantities.input_gate": "输入门",
                      "quantities.output_gate": "输出门", "quantities.cell_state": "细胞状态",
                      "quantities.hidden_state": "隐含状态", "quantities.update_gate": "更新门",
                      "quantities.reset_gate": "重置门", "controls.step": "时间步"}.items():
        assert term in zh[key], (key, zh[key])


def test_current_language_drives_t():
    set_language("zh")
    try:
        assert t("controls.step") == "时间步"
        assert t("controls.step", lang="en") == "Time step"
    finally:
        set_language("en")
    assert t("controls.step") == "Time step"


# --- no user-facing literal outside the catalogue --------------------------------------------------

def registered_pages() -> list[Path]:
    """Every file app.py registers with ``st.Page("<folder>/<page>.py", ...)``: wherever pages live."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    return [ROOT / node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args
            and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).endswith(".py")]


SCANNED = [ROOT / "app.py", *registered_pages(), *sorted((ROOT / "ui").glob("*.py"))]

# Streamlit calls that put text on the page, and which of their arguments is text.
TEXT_CALLS = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error",
    "success", "exception", "toast", "button", "download_button", "link_button", "page_link",
    "form_submit_button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider",
    "select_slider", "text_input", "text_area", "number_input", "date_input", "time_input",
    "file_uploader", "color_picker", "camera_input", "chat_input", "segmented_control", "pills",
    "feedback", "metric", "expander", "popover", "tabs", "status", "spinner", "progress", "dialog",
    "set_page_config", "Page", "column", "TextColumn", "NumberColumn", "ProgressColumn",
    "CheckboxColumn", "SelectboxColumn", "LinkColumn", "ListColumn", "BarChartColumn", "LineChartColumn",
}
TEXT_KEYWORDS = {"label", "body", "help", "placeholder", "caption", "title", "page_title", "text",
                 "value_label", "tooltip", "default_value"}
PATH_FIRST = {"Page", "page_link"}  # their first argument is a file path; the text is a keyword
# Receivers that are not Streamlit although they have .error/.warning/.text/.title methods.
NOT_STREAMLIT = {"log", "logger", "logging", "warnings", "self", "str", "re", "os", "json", "path", "np"}
# Calls whose text is not language: code, formulas, and stylesheets/markup built from constants.
ALLOWED_CALLS = {
    "code": "source code is the same in every language",
    "latex": "formulas are the same in every language",
    "html": "checked separately: only markup and CSS, the text inside tags must be empty",
    "json": "data, shown as data",
}


def _receiver_root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "literal"`` assignments (a literal may hide behind a constant)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _literal_text(node: ast.AST, constants: dict[str, str]) -> str:
    """The literal letters an argument carries: a string, an f-string's fixed parts, a string
    constant, concatenations of those; calls (t(...)) and other names carry none."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_text(node.left, constants) + _literal_text(node.right, constants)
    if isinstance(node, ast.IfExp):
        return _literal_text(node.body, constants) + " " + _literal_text(node.orelse, constants)
    if isinstance(node, ast.Name):
        return constants.get(node.id, "")
    return ""


def _has_words(text: str) -> bool:
    """Letters a reader would read: markdown/emoji shortcodes (:material/x:) and symbols are not."""
    text = re.sub(r":[a-z_]+/[a-z_]+:", " ", text)  # :material/icon: inside a label
    return any(ch.isalpha() for ch in text)


def _markup_text(html_text: str) -> str:
    """What a reader sees of an st.html body: drop <style>…</style> and tags."""
    text = re.sub(r"<style.*?</style>", " ", html_text, flags=re.S | re.I)
    return re.sub(r"<[^>]*>", " ", text)


def literal_violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _module_strings(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, root = node.func.attr, _receiver_root(node.func.value)
        if root in NOT_STREAMLIT:
            continue
        if name == "html":
            for arg in node.args[:1]:
                if _has_words(_markup_text(_literal_text(arg, constants))):
                    found.append(f"{path.name}:{node.lineno} html(visible text)")
            continue
        if name in ALLOWED_CALLS or name not in TEXT_CALLS:
            continue
        if name in PATH_FIRST:  # st.Page("views/x.py", title=...), st.page_link("views/x.py", label=...)
            args = []
        else:
            args = list(node.args[:1]) if name not in ("write", "tabs") else list(node.args)
        args += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
        if name == "tabs" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            args += list(node.args[0].elts)
        for arg in args:
            text = _literal_text(arg, constants)
            if _has_words(text):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}({text[:60]!r})")
    return found


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_user_facing_literal(path):
    found = literal_violations(path)
    assert not found, "put these texts in locales/en/<area>.json and call t():\n" + "\n".join(found)


def test_every_registered_page_is_scanned():
    assert len(registered_pages()) >= 2 and all(p.exists() for p in registered_pages()), registered_pages()


def test_the_literal_scan_catches_literals(tmp_path):
    """The scan must be able to fail: each of these hides English from the catalogue."""
    page = tmp_path / "page.py"
    page.write_text(
        'import streamlit as st\nLABEL = "Speed"\n'
        'st.title("Hello")\n'
        'st.sidebar.button(f"Go {1}")\n'
        'left, right = st.columns(2)\nleft.slider(LABEL, 0, 3)\n'
        'st.selectbox(t("a.b"), [1], help="Pick one")\n'
        'st.html("<b>bold words</b>")\n'
        'st.markdown(f"**{t(\'a.b\')}** — {x}")\n'   # fine: no literal letters
        'st.code("print(1)")\nst.latex(r"h_t = \\tanh(a_t)")\n'  # fine: code and formulas
        'log.error("for the developer")\n'          # fine: not Streamlit
        'st.button(t("a.b"), icon=":material/edit:")\n'  # fine: an icon is not text
        'st.Page("views/a.py", title="Untranslated")\n',
        encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = literal_violations(page)
    finally:
        ROOT = saved
    assert [f.split(" ", 1)[1].split("(")[0] for f in found] == ["title", "button", "slider", "selectbox",
                                                                 "html", "Page"], found


# --- ui.language: pure parts ----------------------------------------------------------------------

def test_browser_locale_matching():
    from ui.language import from_locale
    assert from_locale("zh-CN", ["en", "zh"]) == "zh"
    assert from_locale("zh-Hans-CN", ["en", "zh"]) == "zh"
    assert from_locale("zh_TW", ["en", "zh"]) == "zh"
    assert from_locale("en-GB", ["en", "zh"]) == "en"
    assert from_locale("fr-FR", ["en", "zh"]) is None
    assert from_locale("", ["en", "zh"]) is None and from_locale(None, ["en", "zh"]) is None


def test_view_link_keeps_every_parameter():
    from ui.language import app_root, view_link
    query = {"sentence": "What time is it ? 你好 & <b>", "model": "sentiment-lstm", "step": "2", "unit": "3",
             "layer": "0", "direction": "1", "lang": "zh", "lesson": "1"}
    link = view_link("step-through", query, "http://host:8501/step-through")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "host:8501", "/step-through")
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == query
    assert " " not in link and "<" not in link
    assert app_root("", "http://host:8501/") == "http://host:8501"                 # the default page
    assert app_root("gradients", "https://x.streamlit.app/gradients") == "https://x.streamlit.app"
    assert view_link("", {"lang": "en"}, None) == "/?lang=en"                      # no browser: relative


def test_lesson_css_keeps_the_step_controls():
    from ui.language import HIDDEN_INPUTS, lesson_css
    css = lesson_css()
    assert "stSidebar" in css and ":not(.st-key-step)" in css
    assert all(name in css for name in ("stTextInput", "stSelectbox", "stSlider"))
    assert "stButton" not in HIDDEN_INPUTS  # Back / Play / Next are step controls
    assert not _has_words(_markup_text(css))
