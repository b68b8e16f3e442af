"""Build only what is visible: an expander whose content exists only while it is open.

A plain ``st.expander`` runs its ``with`` block on every rerun, open or closed, and sends every
element in it to the browser, which keeps them hidden. For a class of 50 on one server each of those
elements is server time on every keystroke (bench/bench_app.py, issue 16). With a key and
``on_change="rerun"`` Streamlit (1.67) reports whether the expander is open (``.open``) and reruns
when a learner opens or closes it; inside an ``st.fragment`` that rerun is the fragment's only. So
the content is built when the expander is opened, and costs nothing while it is closed.

The open state lives in ``st.session_state[key]`` (Streamlit's own). A new label is a new widget
to Streamlit (the Gate Explorer's readout names the step and unit it shows), which would start
closed again; so the last state is also kept under ``_lazy_open.<key>`` and given as the new
widget's starting state: the expander stays open while the learner moves the step.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

REMEMBER = "_lazy_open."


def expander(label: str, build: Callable[[], None], *, key: str, expanded: bool = False, container=None,
             **options) -> bool:
    """``st.expander(label)`` in ``container`` (default: here) whose content, ``build()``, runs only
    while it is open. Returns whether it is open."""
    remembered = REMEMBER + key
    box = (container or st).expander(label, expanded=bool(st.session_state.get(remembered, expanded)), key=key,
                                     on_change="rerun", **options)
    is_open = st.session_state[remembered] = bool(box.open)
    if is_open:
        with box:
            build()
    return is_open
