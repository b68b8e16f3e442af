"""Tokens as text a figure may show: whitespace made visible, shortened, HTML-escaped.

Plotly renders ``<b>``, ``<a href>``, ``<span style>`` in labels, so user text must never reach it
raw; every token on an axis, in a hover or in a chip goes through one of these.
"""

from __future__ import annotations

import html

MAX_TICK_CHARS = 12  # longer tokens are shortened on the axis (the chips show them whole)


def visible_token(token: str, max_chars: int = MAX_TICK_CHARS) -> str:
    """A token with its whitespace made visible (␣ ⏎ ⇥) and shortened to ``max_chars`` (plain text)."""
    visible = token.replace(" ", "␣").replace("\n", "⏎").replace("\t", "⇥").replace("\r", "␍")
    visible = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in visible)
    if len(visible) > max_chars:
        visible = visible[: max_chars - 1] + "…"
    return visible or "∅"


def display_token(token: str, max_chars: int = MAX_TICK_CHARS) -> str:
    """A token as safe tick / hover text: :func:`visible_token`, then HTML-escaped (Plotly renders
    ``<b>``, ``<a href>``, ``<span style>`` in labels, so user text must never reach it raw).

    Quotes stay as they are: with ``<`` escaped they cannot open an attribute, and Plotly decodes only
    ``&lt; &gt; &amp;`` and numeric entities, so ``&quot;`` would show literally. Also safe as HTML
    element content (the token chips); attribute values need ``html.escape(..., quote=True)``."""
    return html.escape(visible_token(token, max_chars), quote=False)


# The cell diagram and the line charts call it by this name: the same rule as display_token.
plot_text = display_token
