"""The catalogue: every key the code uses exists, every key is used, templates agree across
languages, and the language choice of one session never leaks into another."""

from __future__ import annotations

import ast
import json
import re
import threading
from pathlib import Path

import pytest

from rnnviz import i18n
from rnnviz.i18n import catalogue, languages, placeholders, set_language, t

ROOT = Path(__file__).resolve().parents[1]
CODE = [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py")), *sorted((ROOT / "ui").glob("*.py")),
        *sorted((ROOT / "rnnviz").rglob("*.py"))]


def string_literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def t_calls(path: Path) -> list[tuple[str, bool]]:
    """(key, formatted?) of every t("...") call whose key is a string literal."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            calls.append((node.args[0].value, any(kw.arg != "lang" for kw in node.keywords)))
    return calls


def dynamic_key_patterns(path: Path) -> set[str]:
    """f-strings like f"area.p_{name}" or f"{area}.export_csv" as regexes: keys built at run time.
    An f-string with no dotted literal part (f"{x}") says nothing about keys and is ignored."""
    patterns = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.JoinedStr):
            continue
        literal = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        if "." not in literal or " " in literal:
            continue
        patterns.add("".join(re.escape(str(v.value)) if isinstance(v, ast.Constant) else r"[\w-]+"
                             for v in node.values))
    return patterns


def test_catalogue_files_are_flat_string_maps():
    files = sorted((i18n.LOCALES_DIR / "en").glob("*.json"))
    assert files, "no English catalogue"
    for path in files:
        entries = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(entries, dict) and entries, path
        assert all(isinstance(v, str) and v.strip() for v in entries.values()), path
        assert all("." not in k for k in entries), f"{path}: keys are namespaced by the file name already"


def test_every_key_used_in_code_exists():
    known = set(catalogue("en"))
    used = {key for p in CODE for key, _ in t_calls(p)}
    assert used, "no t() calls found: the scan is broken"
    missing = sorted(used - known)
    assert not missing, f"t() keys missing from locales/en: {missing}"


def test_every_key_is_used_somewhere():
    literals = set().union(*(string_literals(p) for p in CODE))
    patterns = [re.compile(p) for p in set().union(*(dynamic_key_patterns(p) for p in CODE))]
    unused = sorted(k for k in catalogue("en")
                    if k not in literals and not any(p.fullmatch(k) for p in patterns))
    assert not unused, f"catalogue keys no code refers to (remove them or use them): {unused}"


@pytest.mark.parametrize("lang", languages())
def test_languages_have_the_same_keys_and_placeholders(lang):
    english, other = catalogue("en"), catalogue(lang)
    assert set(other) == set(english), sorted(set(other) ^ set(english))
    for key, template in english.items():
        assert placeholders(other[key]) == placeholders(template), key


def test_every_formatted_template_fills_completely():
    formatted = {key for p in CODE for key, with_fmt in t_calls(p) if with_fmt}
    assert formatted, "no t(key, name=...) calls found: the scan is broken"
    english = catalogue("en")
    for key in formatted:
        template = english[key]
        text = t(key, lang="en", **{name: 1 for name in placeholders(template)})
        assert "{" not in text and "}" not in text, key


def test_format_fallback_and_missing_key():
    assert t("gate_explorer.truncated", lang="en", total=512, limit=400) == \
        "Your text has 512 tokens; only the first 400 are shown."
    assert t("figures.position", lang="xx-not-a-language") == t("figures.position", lang="en")
    with pytest.raises(KeyError):
        t("gate_explorer.no_such_key")


def test_language_choice_is_per_thread():
    """Streamlit runs each session's script in its own thread: one session's choice must not leak."""
    seen = {}

    def session(name, lang):
        set_language(lang)
        seen[name] = i18n.get_language()

    set_language("en")
    worker = threading.Thread(target=session, args=("other", "zz"))
    worker.start()
    worker.join()
    assert i18n.get_language() == "en"
    assert seen["other"] == "en"  # "zz" has no catalogue: falls back to English
