"""Vanishing gradients: ‖∂h_T/∂h_t‖ and ‖∂h_T/∂x_t‖ over t for RNN vs LSTM vs GRU, log scale.

Thin page: controls (kept in the URL, keys gr_*) -> ``rnnviz.analysis.gradient_flows`` (exact,
autograd) per cell -> ``rnnviz.plots.view_figures.gradient_figure``. Trained sentiment models when shipped; otherwise
(or by choice) untrained cells, whose recurrent-weight scale and keep-gate bias the learner can
turn to make the gradients vanish or explode — the lecture notes' claim, made touchable.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz.analysis import gradient_flows, gradient_stats
from rnnviz.i18n import t
from rnnviz.models.text import tokenize
from rnnviz.plots import view_figures
from ui import charts, models, params, widgets
from ui.safety import safe

CELLS = ("RNN", "LSTM", "GRU")
TRAINED = {cell: f"sentiment-{cell.lower()}" for cell in CELLS}
MAX_STEPS = 60          # exact Jacobians through every step: keep one page load around a second
HIDDEN_SIZES = (4, 8, 16, 32, 64)
SCALES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
BIAS = (0.0, 6.0)
REPEAT = (1, 10)
SOURCES = ("trained", "untrained")
EMBEDDING_DIM = 16

CHAIN = r"\frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} \frac{\partial h_k}{\partial h_{k-1}}"
RNN_FACTOR = r"\frac{\partial h_k}{\partial h_{k-1}} = \operatorname{diag}(1 - h_k^2)\, W_{hh}"


def trained_available() -> list[str]:
    shipped = {row["name"] for row in models.shipped_models()}
    return [cell for cell in CELLS if TRAINED[cell] in shipped]


@st.cache_data(max_entries=32, show_spinner=False)
def trained_flows(tokens: tuple[str, ...], cells: tuple[str, ...]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """cell -> (‖∂h_T/∂h_t‖, ‖∂h_T/∂x_t‖), forward direction, for the shipped sentiment models."""
    return {cell: gradient_flows.model_flow(models.get_model(models.Choice(name=TRAINED[cell])), tokens)
            for cell in cells}


@st.cache_data(max_entries=32, show_spinner=False)
def untrained_flows(tokens: tuple[str, ...], hidden: int, seed: int, scale: float,
                    bias: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return gradient_flows.untrained_flows(tokens, CELLS, hidden, seed, scale, bias, EMBEDDING_DIM)


def controls() -> tuple[str, dict]:
    """Sidebar: which models; for untrained cells their size, seed, W_hh scale and keep-gate bias."""
    available = trained_available()
    # Untrained first: the cleanest picture of the lecture's claim, with knobs to push it either way;
    # the trained sentiment models are one click away.
    default = "untrained"
    with st.sidebar:
        source = params.bound(st.radio, t("gradients.source"), key="gr_source", default=default,
                              parse=params.choice(SOURCES), options=list(SOURCES),
                              format_func=lambda s: t("gradients.source_trained") if s == "trained"
                              else t("gradients.source_untrained"))
        if source == "trained" and not available:
            st.info(t("gradients.no_trained"), icon=":material/info:")
            source = "untrained"
        if source == "trained":
            return source, {}
        hidden = params.bound(st.select_slider, t("gradients.hidden"), key="gr_hidden", default=16,
                              parse=lambda raw: _member(int(raw), HIDDEN_SIZES), options=list(HIDDEN_SIZES))
        seed = params.bound(st.number_input, t("gradients.seed"), key="gr_seed", default=0,
                            parse=params.integer(*models.SEED_RANGE), min_value=models.SEED_RANGE[0],
                            max_value=models.SEED_RANGE[1], step=1)
        scale = params.bound(st.select_slider, t("gradients.scale"), key="gr_scale", default=1.0,
                             parse=lambda raw: _member(float(raw), SCALES), options=list(SCALES),
                             help=t("gradients.scale_help"))
        bias = params.bound(st.slider, t("gradients.bias"), key="gr_bias", default=0.0,
                            parse=lambda raw: _within(float(raw), *BIAS), min_value=BIAS[0], max_value=BIAS[1],
                            step=0.5, help=t("gradients.bias_help"))
    return source, dict(hidden=int(hidden), seed=int(seed), scale=float(scale), bias=float(bias))


def _member(value, allowed):
    if value not in allowed:
        raise ValueError(value)
    return value


def _within(value: float, lo: float, hi: float) -> float:
    if not lo <= value <= hi:
        raise ValueError(value)
    return value


def summary(curves: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
    """One metric per cell: the first token's pull on h_T relative to the last token's."""
    for column, (label, _, wrt_input) in zip(st.columns(len(curves)), curves):
        with column:
            d = gradient_stats.decay(wrt_input)
            st.metric(t("gradients.metric_label", cell=label), t("gradients.metric_value", relative=d.relative),
                      help=t("gradients.metric_help"))
            if d.relative == 0.0:
                st.caption(t("gradients.vanished"))
            elif np.isfinite(d.per_step):
                st.caption(t("gradients.per_step", factor=d.per_step))


def explanation() -> None:
    with st.expander(t("gradients.why_heading"), expanded=False):
        st.markdown(t("gradients.why_chain"))
        st.latex(CHAIN)
        st.markdown(t("gradients.why_rnn"))
        st.latex(RNN_FACTOR)
        st.markdown(t("gradients.why_lstm"))
        st.markdown(t("gradients.why_gru"))
    with st.expander(t("gradients.try_heading"), expanded=False):
        st.markdown(t("gradients.try_list"))


@safe
def render() -> None:
    st.title(t("gradients.title"))
    st.caption(t("gradients.intro"))
    source, knobs = controls()

    left, right = st.columns([4, 1], vertical_alignment="bottom")
    with left:
        text = widgets.sentence_input()
    with right:
        repeat = params.bound(st.number_input, t("gradients.repeat"), key="gr_repeat", default=1,
                              parse=params.integer(*REPEAT), min_value=REPEAT[0], max_value=REPEAT[1], step=1,
                              help=t("gradients.repeat_help"))
    tokens = tokenize(text, "word") * int(repeat)
    if not tokens:
        st.info(t("gradients.empty"), icon=":material/edit:")
        return
    if len(tokens) > MAX_STEPS:
        st.warning(t("gradients.truncated", limit=MAX_STEPS, total=len(tokens)), icon=":material/content_cut:")
        tokens = tokens[:MAX_STEPS]

    if source == "trained":
        cells = tuple(trained_available())
        flows = trained_flows(tuple(tokens), cells)
        missing = [TRAINED[c] for c in CELLS if c not in cells]
        if missing:
            st.info(t("gradients.trained_missing", names=", ".join(missing)), icon=":material/hourglass_top:")
        note = t("gradients.note_trained", names=", ".join(TRAINED[c] for c in cells))
    else:
        flows = untrained_flows(tuple(tokens), **knobs)
        note = t("gradients.note_untrained", hidden=knobs["hidden"], seed=knobs["seed"])

    curves = [(cell, *flows[cell]) for cell in CELLS if cell in flows]
    charts.show(view_figures.gradient_figure(curves, tokens), key="gradient-figure")
    st.caption(t("gradients.length", steps=len(tokens), limit=MAX_STEPS) + " " + note)
    summary(curves)
    st.info(t("gradients.lecture_claim"), icon=":material/menu_book:")
    st.caption(t("gradients.how_to_read"))
    explanation()
    st.download_button(t("gradients.download"), data=lambda: gradient_stats.norms_csv(curves, tokens),
                       file_name="gradient_norms.csv", mime="text/csv", key="gr-csv", on_click="ignore",
                       icon=":material/download:")


render()
