"""Controls every page shares: the sentence box, numbered token chips, step / unit selectors.

The sentence box's key is ``sentence`` (a contract: tests and lesson links rely on it).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from rnnviz.plots.tokens import display_token, visible_token
from rnnviz.i18n import t
from rnnviz.models.text import MAX_TOKENS
from ui import params

DEFAULT_SENTENCE = "What time is it ?"
MAX_SENTENCE_CHARS = 20_000  # the box refuses more; tokens are capped separately (MAX_TOKENS)


def sentence_input(container=None) -> str:
    """The main text box (key ``sentence``), kept in the URL as ``?sentence=...``."""
    target = container or st
    return params.bound(
        target.text_input, t("controls.sentence"), key="sentence", default=DEFAULT_SENTENCE,
        parse=lambda raw: raw[:MAX_SENTENCE_CHARS], max_chars=MAX_SENTENCE_CHARS,
        placeholder=t("controls.sentence_placeholder"), help=t("controls.sentence_help"),
    )


CHIP_CSS = """
<style>
.rv-chips{display:flex;flex-wrap:wrap;gap:6px;margin:2px 0 8px 0;font-size:1.05rem;line-height:1.2;
  max-height:7.2em;overflow-y:auto}
.rv-chip{display:inline-flex;align-items:baseline;gap:5px;padding:3px 9px;border-radius:12px;
  border:1px solid rgba(128,128,128,.45);background:rgba(128,128,128,.10);white-space:pre}
.rv-chip b{font-weight:600}
.rv-chip small{opacity:.65;font-size:.75em;font-variant-numeric:tabular-nums}
.rv-chip.rv-unk{border-style:dashed;opacity:.8}
.rv-chip.rv-sel{border:2px solid currentColor;background:rgba(255,196,0,.25)}
</style>
"""


def chips_html(tokens: Sequence[str], unknown: set[int] = frozenset(), selected: int | None = None,
               unknown_title: str = "") -> str:
    """Numbered chips, one per time step; every token escaped, so user text never becomes markup."""
    parts = []
    for i, token in enumerate(tokens):
        classes = "rv-chip" + (" rv-unk" if i in unknown else "") + (" rv-sel" if i == selected else "")
        title = f' title="{html.escape(unknown_title, quote=True)}"' if i in unknown and unknown_title else ""
        parts.append(f'<span class="{classes}"{title}><small>{i}</small><b>{display_token(token, 40)}</b></span>')
    return CHIP_CSS + '<div class="rv-chips" data-testid="rv-token-chips">' + "".join(parts) + "</div>"


def token_chips(tokens: Sequence[str], unknown: set[int] = frozenset(), selected: int | None = None) -> None:
    """The time steps as numbered chips (dashed: a word the model does not know)."""
    st.html(chips_html(tokens, unknown, selected, t("controls.unknown_token")))


def step_unit_selectors(tokens: Sequence[str], units: int, columns=None) -> tuple[int, int]:
    """A time step and a unit (kept in the URL); every heatmap outlines that column and that row.

    columns: two containers to draw them in (default: one under the other, here)."""
    steps = len(tokens)
    step = unit = 0
    step_box, unit_box = columns or (st.container(), st.container())
    if steps > 1:  # a slider needs two values; one token has only step 0
        step = params.bound(
            step_box.select_slider, t("controls.step"), key="step", default=0,
            parse=params.integer(0, steps - 1), options=list(range(steps)),
            format_func=lambda i: f"{i} · {visible_token(tokens[i], 20)}", help=t("controls.step_help"),
        )
    else:
        params.publish("step", 0)
    if units > 1:
        unit = params.bound(
            unit_box.slider, t("controls.unit"), key="unit", default=0,
            parse=params.integer(0, units - 1), min_value=0, max_value=units - 1,
            help=t("controls.unit_help"),
        )
    else:
        params.publish("unit", 0)
    return int(step), int(unit)


def length_notes(tokens: Sequence[str], total: int, empty_message: str) -> bool:
    """Say so when there is nothing to run (returns False: draw no chart) or the text was cut at
    MAX_TOKENS (``total`` is the length before the cut); True when there is something to draw."""
    if not tokens:
        st.info(empty_message, icon=":material/edit:")
        return False
    if total > len(tokens):
        st.warning(t("gate_explorer.truncated", total=total, limit=MAX_TOKENS), icon=":material/content_cut:")
    return True
