"""Build only what is visible: an expander whose content exists only while it is open.

A plain ``st.expander`` runs its ``with`` block on every rerun, open or closed, and sends every
element in it to the browser, which keeps them hidden. For a class of 50 on one server each of those
elements is server time on every keystroke (bench/bench_app.py, issue 16). With a key and
``on_change="rerun"`` Streamlit (1.67) reports whether the expander is open (``.open``) and reruns
when a learner opens or closes it; inside an ``st.fragment`` that rerun is the fragment's only. So
the content is built when the expander is opened, and costs nothing while it is closed.

The open state lives in ``st.session_state[key]`` (Streamlit's own). A new label is a new widget
to Streamlit (the Gate Explorer's readout names the step and unit it shows), which would start
closed again; so the last state is also kept under ``_lazy_open.<key>`` and written into the new
widget's state: the expander stays open while the learner moves the step. Not through
``expanded=``: Streamlit counts ``expanded`` in the widget's identity, so passing the remembered state
there made every opening a new widget on the next run, and the click that closed it was lost (the
first close after an open did nothing; tests/browser/test_state_space_browser.py).

``linked_expander`` also keeps the open sections in the URL (``?open=pair,clamp``), so a copied link
(a teacher's) reopens them; a link that sets one of a section's controls (``?clamp_unit=5``, made
before its section was closed by default) opens that section too. Closing a section takes its
controls out of the URL: the URL says what is on the screen.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

REMEMBER = "_lazy_open."
LABEL = "_lazy_label."  # the label of the last run: a new one is a new widget
OPEN = "open"  # the URL parameter listing the open sections of a page


def expander(label: str, build: Callable[[], None], *, key: str, expanded: bool = False, container=None,
             **options) -> bool:
    """``st.expander(label)`` in ``container`` (default: here) whose content, ``build()``, runs only
    while it is open. Returns whether it is open."""
    remembered, labelled = REMEMBER + key, LABEL + key
    if key not in st.session_state or st.session_state.get(labelled) != label:
        # a new widget (new label, or back on this page): it starts as the learner left it
        st.session_state[key] = bool(st.session_state.get(remembered, expanded))
    st.session_state[labelled] = label
    box = (container or st).expander(label, key=key, on_change="rerun", **options)
    is_open = st.session_state[remembered] = bool(box.open)
    if is_open:
        with box:
            build()
    return is_open


def linked_expander(label: str, build: Callable[[], None], *, key: str, name: str, controls: tuple[str, ...] = (),
                    container=None, **options) -> bool:
    """``expander`` whose open state is in the URL: it starts open when ``?open=`` lists ``name`` or
    the URL sets one of its ``controls`` (query parameters of the widgets inside); afterwards the
    learner's clicks decide, and ``?open=`` follows them. Returns whether it is open."""
    listed = [n for n in str(st.query_params.get(OPEN, "")).split(",") if n]
    linked = name in listed or any(c in st.query_params for c in controls)
    is_open = expander(label, build, key=key, expanded=linked, container=container, **options)
    if is_open and name not in listed:
        listed.append(name)
    elif not is_open:
        listed = [n for n in listed if n != name]
        for control in controls:
            st.query_params.pop(control, None)
    text = ",".join(listed)
    if str(st.query_params.get(OPEN, "")) != text:
        if text:
            st.query_params[OPEN] = text
        else:
            st.query_params.pop(OPEN, None)
    return is_open
