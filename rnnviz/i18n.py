"""Every user-facing string, looked up by key: ``t("gate_explorer.title")``.

Catalogues live in ``locales/<lang>/<area>.json``, one file per page or area, so engineers working on
different pages never edit the same file. A key is ``<area>.<name>``: the file's stem, a dot, and the
key inside that file. Values are ``str.format`` templates: ``t("app.truncated", limit=400)``.

Which language: an explicit ``lang=`` wins; otherwise the language set for the current script run
with ``set_language`` (a ``ContextVar``, so two Streamlit sessions running in two threads never see
each other's choice); otherwise English. A key missing from the chosen language falls back to
English; a key missing from English is a programming error and raises ``KeyError`` (the tests
check that every key used in the code exists, so this never reaches a user).

This module never imports streamlit: rnnviz.plots.heatmaps uses it for axis titles and hover text.
"""

from __future__ import annotations

import contextlib

import contextvars
import functools
import json
import string
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANG = "en"

_current = contextvars.ContextVar("rnnviz_lang", default=DEFAULT_LANG)


def languages() -> list[str]:
    """Languages that have a catalogue folder, English first."""
    return list(_languages())


@functools.cache
def _languages() -> tuple[str, ...]:
    # read once: every page's every rerun asks (the folder scan was 2-3 % of a keystroke's server time)
    found = sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir() and any(p.glob("*.json")))
    return tuple(sorted(found, key=lambda lang: lang != DEFAULT_LANG))


@functools.lru_cache(maxsize=None)
def catalogue(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """All keys of one language, flattened to ``{"area.key": template}`` (read once, then cached)."""
    folder = LOCALES_DIR / lang
    if not folder.is_dir():
        raise KeyError(f"no catalogue for language {lang!r} in {LOCALES_DIR}")
    merged: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key, value in entries.items():
            if not isinstance(value, str):
                raise TypeError(f"{path}: value of {key!r} must be a string")
            merged[f"{path.stem}.{key}"] = value
    return merged


def set_language(lang: str) -> None:
    """Choose the language for the rest of this script run (this thread/context only)."""
    _current.set(lang if (LOCALES_DIR / lang).is_dir() else DEFAULT_LANG)


def get_language() -> str:
    return _current.get()


@contextlib.contextmanager
def in_language(lang: str):
    """Translate in ``lang`` inside the block, then restore the caller's language. For callbacks that
    Streamlit runs outside the script run (AppTest formats a selectbox's options in its own thread)."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def placeholders(template: str) -> set[str]:
    """Names of the ``{fields}`` a template expects (used by tests to compare languages)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def t(key: str, lang: str | None = None, **fmt) -> str:
    """The text for ``key`` in ``lang`` (default: the current language), formatted with ``fmt``."""
    lang = lang or _current.get()
    template = None
    if lang != DEFAULT_LANG and (LOCALES_DIR / lang).is_dir():
        template = catalogue(lang).get(key)
    if template is None:
        template = catalogue(DEFAULT_LANG)[key]  # KeyError here = a key the catalogue lacks
    # Only format when asked to: a template without arguments may show literal braces ("{token: id}").
    return template.format(**fmt) if fmt else template
