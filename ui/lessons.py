"""Controls and exports shared by the step-through, neuron-view and ablation pages.

Every control is URL-synced through ``ui.params`` (so a copied link reopens the same view); lists
(units, steps) are written to the URL as ``3,5,7`` rather than Python's ``[3, 5, 7]``. Exports are
``st.download_button`` with *deferred* data (a callable): the CSV of a 256-unit model over 400
characters is ~30 MB, so it is built only when someone clicks, from the model and tokens captured
in the closure (no Streamlit cache is touched outside the script run).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st
import torch

from rnnviz.analysis.export import trace_to_csv, trace_to_npz
from rnnviz.i18n import t
from ui import params


def layer_selector(num_layers: int, label: str, key: str = "layer") -> int:
    """Layer 1..L shown, 0..L-1 returned; hidden (and kept at 0) for one layer."""
    if num_layers <= 1:
        params.publish(key, 0)
        return 0
    return int(params.bound(st.selectbox, label, key=key, default=0, parse=params.integer(0, num_layers - 1),
                            options=list(range(num_layers)), format_func=lambda k: str(k + 1)))


def direction_selector(num_directions: int, label: str, key: str = "direction") -> int:
    """Forward (0) / backward (1) for a bidirectional cell; hidden otherwise."""
    if num_directions <= 1:
        params.publish(key, 0)
        return 0
    names = {0: t("figures.forward"), 1: t("figures.backward")}
    return int(params.bound(st.radio, label, key=key, default=0, parse=params.integer(0, 1),
                            options=[0, 1], format_func=names.get, horizontal=True))


def unit_selector(units: int, label: str, key: str = "unit", help: str | None = None) -> int:
    if units <= 1:
        params.publish(key, 0)
        return 0
    return int(params.bound(st.slider, label, key=key, default=0, parse=params.integer(0, units - 1),
                            min_value=0, max_value=units - 1, help=help))


def int_list(lo: int, hi: int) -> Callable[[str], list[int]]:
    """Parser for "3,5,7" (each in [lo, hi]); also accepts the list a widget holds."""

    def parse(raw) -> list[int]:
        if isinstance(raw, (list, tuple)):
            items = [int(v) for v in raw]
        else:
            text = str(raw).strip().strip("[]")
            items = [int(v) for v in text.split(",") if v.strip()] if text else []
        if any(not lo <= v <= hi for v in items):
            raise ValueError(raw)
        return sorted(set(items))

    return parse


def bound_multiselect(label: str, *, key: str, options: Sequence[int], default: list[int],
                      format_func=str, help: str | None = None) -> list[int]:
    """A multiselect of integers, kept in the URL as ``key=3,5,7``."""
    parse = int_list(min(options, default=0), max(options, default=0))
    params.seed(key, default, parse)
    try:
        st.session_state[key] = parse(st.session_state[key])
    except (ValueError, TypeError):
        st.session_state[key] = default
    value = st.multiselect(label, options=list(options), key=key, format_func=format_func, help=help)
    st.session_state[params.KEEP + key] = list(value)
    text = ",".join(str(v) for v in sorted(value))
    if st.query_params.get(key) != text:
        st.query_params[key] = text
    return sorted(value)


def export_buttons(model, tokens: list[str], *, stem: str, force=None, area: str = "step_through",
                   key: str = "export") -> None:
    """CSV and NPZ of every gate and state (of the forced run when ``force`` is given)."""
    tokens = list(tokens)

    def traced():
        with torch.inference_mode():
            return model.trace(tokens, force=force)

    left, right = st.columns(2)
    with left:
        st.download_button(t(f"{area}.export_csv"), data=lambda: trace_to_csv(traced(), tokens),
                           file_name=f"{stem}.csv", mime="text/csv", on_click="ignore", key=f"{key}_csv",
                           icon=":material/table:", help=t(f"{area}.export_help"), width="stretch")
    with right:
        st.download_button(t(f"{area}.export_npz"), data=lambda: trace_to_npz(traced(), tokens),
                           file_name=f"{stem}.npz", mime="application/octet-stream", on_click="ignore",
                           key=f"{key}_npz", icon=":material/data_array:", help=t(f"{area}.export_help"),
                           width="stretch")


def safe_stem(*parts) -> str:
    """A file name from model name and choices: letters, digits, - and _ only."""
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)[:80] or "rnnviz"


# Few entries: a 400-character run of a 256-unit LSTM is ~5 MB of arrays, twice per entry.
@st.cache_data(max_entries=8, ttl=900, show_spinner=False)
def ablation_runs(choice, tokens: tuple[str, ...], spec) -> tuple:
    """(original, forced) ``rnnviz.Trace`` of ``tokens``, each with the model's typed prediction
    (for the encoder–decoder: the output decoded from the forced encoder's context c). Cached by
    plain values: the choice, the tokens and the ``rnnviz.analysis.ablation.ForceSpec``."""
    from ui import models

    model = models.get_model(choice)
    return model.run(list(tokens)), model.run(list(tokens), force=spec.forces())
