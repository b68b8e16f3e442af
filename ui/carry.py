"""Keep a widget's value when the learner switches pages (the ``sentence`` box is on every page).

Streamlit gives a widget on another page a new element id. Its key is still in ``st.session_state``
(so ``ui.params.seed`` does not seed it again), but the new widget starts from its own default
(an empty text box) unless the value is assigned afresh in this run before the widget is drawn.
Re-assigning the current value does exactly that and changes nothing otherwise. Call it right
before drawing the widgets. (Better placed in ui.params.seed for every bound widget; until then,
pages that share keys call this.)
"""

from __future__ import annotations

import streamlit as st


def carry_over(*keys: str) -> None:
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
