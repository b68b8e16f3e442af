"""Every control mirrored in ``st.query_params``, so a copied URL reopens the same view.

Pattern, per control (``bound``):
1. Before the widget is drawn, seed ``st.session_state[key]`` once per session: from the URL if it
   holds a valid value, else from the value this session last had (kept under ``_keep.<key>`` so it
   survives a page switch, when Streamlit forgets the state of widgets it did not draw), else the
   default. Invalid URL values (hand-edited, or from an older version) fall back to the default.
2. Draw the widget with that key (no ``value=``: the session state is the value).
3. Write the value back to ``st.query_params[key]`` as plain text.

We do this by hand rather than with the widgets' ``bind="query-params"`` because bound choice
widgets put the *displayed* label in the URL — which changes with the language — and because the
valid range of some controls (the time step) depends on the sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

KEEP = "_keep."


def _parse_or_none(raw: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse(raw)
    except (ValueError, TypeError, KeyError):
        return None


def seed(key: str, default: Any, parse: Callable[[str], Any]) -> None:
    """Give the widget ``key`` its starting value (URL > this session's last value > default)."""
    if key in st.session_state:
        # On another page the widget gets a new element id and would start from its own default
        # (an empty sentence box); assigning the value again in this run carries it over.
        st.session_state[key] = st.session_state[key]
        return
    raw = st.query_params.get(key)
    value = _parse_or_none(raw, parse) if raw is not None else None
    if value is None:
        kept = st.session_state.get(KEEP + key)
        value = kept if kept is not None and _parse_or_none(str(kept), parse) is not None else default
    st.session_state[key] = value


def publish(key: str, value: Any) -> None:
    """Remember ``value`` for this session and put it in the URL (only when it changed)."""
    st.session_state[KEEP + key] = value
    text = "" if value is None else str(value)
    if st.query_params.get(key) != text:
        st.query_params[key] = text


def choice(options: Sequence[str]) -> Callable[[str], str]:
    """Parser accepting exactly one of ``options``."""
    allowed = list(options)

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(raw)
        return raw

    return parse


def integer(lo: int, hi: int) -> Callable[[str], int]:
    """Parser for an integer in [lo, hi]."""

    def parse(raw: str) -> int:
        value = int(str(raw).strip())
        if not lo <= value <= hi:
            raise ValueError(raw)
        return value

    return parse


def bound(widget: Callable[..., Any], label: str, *, key: str, default: Any,
          parse: Callable[[str], Any], **kwargs) -> Any:
    """Draw ``widget(label, key=key, **kwargs)`` with its value kept in the URL under ``key``."""
    seed(key, default, parse)
    if _parse_or_none(str(st.session_state[key]), parse) is None:  # e.g. a step beyond a new sentence
        st.session_state[key] = default
    value = widget(label, key=key, **kwargs)
    publish(key, value)
    return value
