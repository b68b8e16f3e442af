"""Compare cells: one sentence through RNN, LSTM, Bi-LSTM, GRU and Bi-GRU on one colour scale,
and the gate saturation scatter of Karpathy, Johnson & Fei-Fei (2015) per unit.

Thin page: controls (kept in the URL, keys cmp_*) -> ``ui.models.run_model`` (cached exact traces)
per cell -> ``rnnviz.analysis.saturation`` -> ``rnnviz.plots.view_figures``. Trained sentiment models (same task,
so comparable) when shipped; untrained cells with one seed otherwise or by choice.
"""

from __future__ import annotations

import streamlit as st

from rnnviz import Trace, quantities
from rnnviz.analysis.reference_text import for_level
from rnnviz.analysis.saturation import gate_saturation
from rnnviz.i18n import t
from rnnviz.models import ClassProbabilities
from rnnviz.models.text import MAX_TOKENS
from rnnviz.plots import view_figures
from rnnviz.quantities import SIGMOID_GATES
from ui import charts, models, params, widgets
from ui.downloads import trace_buttons
from ui.safety import safe

VARIANTS = ("RNN", "LSTM", "Bi-LSTM", "GRU", "Bi-GRU")  # the lecture notes' five, in their order
TRAINED = {"RNN": "sentiment-rnn", "LSTM": "sentiment-lstm", "Bi-LSTM": "sentiment-bilstm",
           "GRU": "sentiment-gru", "Bi-GRU": "sentiment-bigru"}
KEEP_GATE = quantities.KEEP_GATE  # "near 1 = keep the old memory" (None: the RNN has none)
QUANTITIES = ("hidden_state", "keep_gate")
QUANTITY_LABEL_KEYS = {"hidden_state": "compare_cells.quantity_hidden_state",
                       "keep_gate": "compare_cells.quantity_keep_gate"}
SOURCES = ("trained", "untrained")
OVER = ("reference", "sentence")
HIDDEN_SIZES = (4, 8, 16, 32, 64)


def trained_available() -> list[str]:
    shipped = {row["name"] for row in models.shipped_models()}
    return [v for v in VARIANTS if TRAINED[v] in shipped]


def controls() -> dict[str, models.Choice]:
    """Sidebar: trained or untrained; returns variant -> Choice for the cells to compare."""
    available = trained_available()
    with st.sidebar:
        source = params.bound(st.radio, t("compare_cells.source"), key="cmp_source",
                              default="trained" if available else "untrained", parse=params.choice(SOURCES),
                              options=list(SOURCES),
                              format_func=lambda s: t("compare_cells.source_trained") if s == "trained"
                              else t("compare_cells.source_untrained"))
        if source == "trained" and not available:
            st.info(t("compare_cells.no_trained"), icon=":material/info:")
            source = "untrained"
        if source == "trained":
            missing = [TRAINED[v] for v in VARIANTS if v not in available]
            if missing:
                st.caption(t("compare_cells.trained_missing", names=", ".join(missing)))
            return {v: models.Choice(name=TRAINED[v]) for v in available}
        hidden = params.bound(st.select_slider, t("compare_cells.hidden"), key="cmp_hidden", default=16,
                              parse=lambda raw: _member(int(raw), HIDDEN_SIZES), options=list(HIDDEN_SIZES))
        seed = params.bound(st.number_input, t("compare_cells.seed"), key="cmp_seed", default=0,
                            parse=params.integer(*models.SEED_RANGE), min_value=models.SEED_RANGE[0],
                            max_value=models.SEED_RANGE[1], step=1)
    return {v: models.Choice(name=models.UNTRAINED, cell=v, layers=1, hidden=int(hidden), seed=int(seed),
                             level="word") for v in VARIANTS}


def _member(value, allowed):
    if value not in allowed:
        raise ValueError(value)
    return value


def torch_cell(variant: str) -> str:
    return variant.removeprefix("Bi-")


def strip_panels(run: Trace, variant: str, quantity: str) -> list:
    """The arrays of one strip: every direction of the top layer, or [] if the cell lacks the gate."""
    name = "hidden_state" if quantity == "hidden_state" else KEEP_GATE[torch_cell(variant)]
    if name is None:
        return []
    top = run.num_layers - 1
    return [run.get(name, top, d) for d in range(run.num_directions)]


def predictions(runs: dict[str, Trace]) -> None:
    shown = {v: r.prediction.probabilities for v, r in runs.items() if isinstance(r.prediction, ClassProbabilities)}
    if not shown:
        return
    st.markdown(f"**{t('compare_cells.predictions')}**")
    for column, (variant, probs) in zip(st.columns(len(shown)), shown.items()):
        label, p = max(probs.items(), key=lambda kv: kv[1])
        column.progress(float(p), text=t("compare_cells.prediction_value", cell=variant, label=label, p=p))


def saturation_section(choices: dict[str, models.Choice], sentence_tokens: list[str]) -> None:
    st.subheader(t("compare_cells.saturation_heading"))
    st.caption(t("compare_cells.saturation_intro"))
    over = params.bound(st.segmented_control, t("compare_cells.over"), key="cmp_over", default="reference",
                        parse=params.choice(OVER), options=list(OVER),
                        format_func=lambda o: t("compare_cells.over_reference") if o == "reference"
                        else t("compare_cells.over_sentence"))
    over = over or "reference"
    gated = {v: c for v, c in choices.items() if SIGMOID_GATES[torch_cell(v)]}
    if not gated:
        st.info(t("compare_cells.no_gates"))
        return
    entries, steps = [], 0
    reference = for_level("word")
    for variant, choice in gated.items():
        tokens = sentence_tokens if over == "sentence" else models.tokens_for(choice, reference.text)[0]
        run = models.run_model(choice, tuple(tokens))
        cell = torch_cell(variant)
        entries.append((variant, cell, gate_saturation(run.get, SIGMOID_GATES[cell], run.num_layers,
                                                        run.num_directions)))
        steps = len(tokens)
    charts.show(view_figures.saturation_figure(entries), key="saturation-figure")
    if over == "reference":
        st.caption(t("compare_cells.reference_caption", title=reference.title, author=reference.author,
                     year=reference.year, steps=steps))
    else:
        st.caption(t("compare_cells.sentence_caption", steps=steps))


def export_section(choices: dict[str, models.Choice], tokens: list[str]) -> None:
    with st.expander(t("compare_cells.export_heading")):
        variant = params.bound(st.selectbox, t("compare_cells.export_cell"), key="cmp_export",
                               default=next(iter(choices)), parse=params.choice(list(choices)),
                               options=list(choices))
        choice = choices[variant]
        model = models.get_model(choice)
        trace_buttons(lambda: model.trace(list(tokens)), tokens, f"{choice.name}-{variant}", key="cmp-export")


@safe
def render() -> None:
    st.title(t("compare_cells.title"))
    st.caption(t("compare_cells.intro"))
    choices = controls()
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    with left:
        text = widgets.sentence_input()
    with right:
        quantity = params.bound(st.segmented_control, t("compare_cells.quantity"), key="cmp_q",
                                default="hidden_state", parse=params.choice(QUANTITIES), options=list(QUANTITIES),
                                format_func=lambda q: t(QUANTITY_LABEL_KEYS[q]))
        quantity = quantity or "hidden_state"
    first = next(iter(choices.values()))
    tokens, total = models.tokens_for(first, text)
    if not tokens:
        st.info(t("compare_cells.empty"), icon=":material/edit:")
        return
    if total > len(tokens):
        st.warning(t("compare_cells.truncated", total=total, limit=MAX_TOKENS), icon=":material/content_cut:")
    widgets.token_chips(tokens, models.unknown_positions(first, tokens))

    runs = {v: models.run_model(c, tuple(tokens)) for v, c in choices.items()}
    strips = [(v, strip_panels(r, v, quantity)) for v, r in runs.items()]
    name = "hidden_state" if quantity == "hidden_state" else "forget_gate"  # decides the colour range
    charts.show(view_figures.compare_figure(strips, tokens, name), key="compare-figure")
    st.caption(t("compare_cells.strips_caption"))
    if quantity == "keep_gate":
        st.info(t("compare_cells.keep_gate_note"), icon=":material/info:")
    predictions(runs)
    saturation_section(choices, tokens)
    export_section(choices, tokens)


render()
