"""Gate Explorer: every gate and state of the chosen cell at every time step, as heatmaps.

Thin page: read widgets -> ``ui.models.run_model`` (cached rnnviz trace) -> ``rnnviz.plots.heatmaps`` ->
draw. One heatmap per quantity, layer and direction (units × time steps), on one shared token axis.
"""

from __future__ import annotations

import streamlit as st

from rnnviz import Trace, model_names, quantities
from rnnviz.analysis.defaults import striking_step_unit
from rnnviz.i18n import t
from rnnviz.models import ClassProbabilities, NextTokens, Translation
from rnnviz.plots import heatmaps
from rnnviz.plots.tokens import visible_token
from ui import charts, lazy, models, widgets
from ui.safety import safe

WIDE_SENTENCE = 24  # more tokens than this: one heatmap per row instead of two


def model_summary(choice: models.Choice, model) -> None:
    if choice.trained:
        st.caption(t("gate_explorer.trained_caption", title=model_names.title(model.name, model.title),
                     cell=choice_cell_label(model), task=model_names.task(model.task), io_shape=model.io_shape or "—"))
        metric = models.format_metrics(model.metrics)
        if metric:
            st.caption(t("gate_explorer.metrics", metrics=metric))
    else:
        st.warning(t("gate_explorer.untrained_note", cell=choice.cell, layers=choice.layers,
                     hidden=choice.hidden, seed=choice.seed), icon=":material/casino:")


def choice_cell_label(model) -> str:
    return ("Bi-" if model.bidirectional else "") + model.cell


def show_prediction(prediction, tokens: list[str], step: int) -> None:
    """Beside the heatmaps: sentiment probabilities, next-token top-5, or a seq2seq output."""
    if prediction is None:
        return
    st.markdown(f"**{t('gate_explorer.prediction')}**")
    match prediction:
        case ClassProbabilities(probabilities=probs):
            for label, p in sorted(probs.items(), key=lambda kv: -kv[1]):
                st.progress(float(p), text=t("gate_explorer.probability", label=model_names.label(label), p=100 * float(p)))
        case NextTokens():
            st.caption(t("gate_explorer.next_token_caption", position=step))
            rows = [{t("gate_explorer.next_token"): visible_token(tok, 20),
                     t("gate_explorer.probability_column"): p} for tok, p in prediction.top()[step]]
            st.dataframe(rows, hide_index=True, width="stretch",
                         column_config={t("gate_explorer.probability_column"): st.column_config.ProgressColumn(
                             min_value=0.0, max_value=1.0, format="%.3f")})
        case Translation(output=output):
            st.text(t("gate_explorer.output_text", output=output))


def show_readout(run: Trace, step: int, unit: int) -> None:
    """The exact numbers under the outline: every quantity at (step, unit), per layer and direction."""
    arrow = ["→", "←"]
    rows = []
    for name in run.quantities:
        row = {t("gate_explorer.quantity_column"): t(quantities.LABEL_KEY[name])}
        for layer in range(run.num_layers):
            for d in range(run.num_directions):
                values = run.get(name, layer, d)
                column = t("gate_explorer.layer_short", layer=layer + 1) + (f" {arrow[d]}" if run.num_directions > 1 else "")
                row[column] = float(values[step, unit]) if unit < values.shape[1] else None
        rows.append(row)
    st.dataframe(rows, hide_index=True, width="stretch")


def show_equations(cell: str, bidirectional: bool) -> None:
    """The cell's equations in PyTorch's convention, then one plain line per quantity."""
    for line in quantities.EQUATIONS[cell]:
        st.latex(line)
    if bidirectional:
        st.latex(quantities.BACKWARD_EQUATION)
    for name, key in quantities.MEANING_KEYS[cell]:
        st.markdown(f"**{t(quantities.LABEL_KEY[name])}** — {t(key)}")
    st.caption(t("gate_explorer.equations_source"))


def first_step_unit(run: Trace, tokens: tuple[str, ...]) -> tuple[int, int]:
    """The default step and unit: where the first heatmaps visibly change (the negation's step and
    the unit that reacts most there), computed only when this session has no step or unit yet."""
    if "step" in st.session_state and "unit" in st.session_state:
        return 0, 0  # not used: the session's own values win (ui.params.seed)
    return striking_step_unit({name: run.get(name, 0, 0) for name in run.quantities}, tokens)


@st.fragment
@safe
def explore(choice: models.Choice, tokens: tuple[str, ...]) -> None:
    """The step / unit selectors and everything that depends on them: chips, exact values,
    prediction, heatmaps. A fragment (``st.fragment``): moving a slider reruns only this function,
    not the app shell, model picker, sentence box and trace lookup above it (a full rerun happens
    when those change, and calls this again with the new tokens)."""
    run = models.run_model(choice, tokens)  # cached (st.cache_data): the same Trace as the full run's
    if run.prediction is not None:  # trained model: its prediction beside the controls, above the maps
        controls, side = st.columns([3, 1], gap="medium")
    else:
        controls, side = st.container(), None
    with controls:
        chips = st.container()  # drawn after the step is chosen (the chip of that step is marked)
        step, unit = widgets.step_unit_selectors(tokens, run.units, columns=st.columns(2),
                                                 default=first_step_unit(run, tokens))
        with chips:
            widgets.token_chips(tokens, models.unknown_positions(choice, tokens), selected=step)
        if run.cell == "GRU":  # one line here; the full note under the heatmaps (keeps them on screen)
            st.caption(t("gate_explorer.gru_convention_short"))
    if side is not None:
        with side:
            show_prediction(run.prediction, tokens, step)

    # Finished figure dicts (no Plotly validation or copy on the way: ui/charts.py, rnnviz/heatmaps.py)
    grid = heatmaps.layer_specs(run.get, run.quantities, tokens, num_layers=run.num_layers,
                               num_directions=run.num_directions, step=step, unit=unit,
                               outline=charts.outline_colour())
    per_row = 2 if len(tokens) <= WIDE_SENTENCE else 1  # two heatmaps a row while tokens stay legible
    for layer, layer_figs in enumerate(grid):
        if run.num_layers > 1:
            st.subheader(t("gate_explorer.layer_heading", layer=layer + 1, layers=run.num_layers))
        # Two columns for the whole layer, heatmaps dealt left, right, left...: a layer's heatmaps
        # share one height, so the pairs line up as rows would, with 3 elements instead of 3 per
        # row (every element is server work a class waits for: bench/bench_load.py). One a row:
        # straight into the page.
        columns = st.columns(per_row) if per_row > 1 else [st.container()]
        for i, (name, fig) in enumerate(layer_figs):
            with columns[i % per_row]:
                charts.show(fig, key=f"heatmap-{layer}-{name}")

    # Notes under the heatmaps, so the heatmaps start on a 1280×720 projector's first screen.
    # Closed expanders cost nothing: their content is built only while open (ui.lazy).
    values_box, equations_box = st.columns(2)
    lazy.expander(t("gate_explorer.readout", position=step, unit=unit), lambda: show_readout(run, step, unit),
                  key="gx_readout", container=values_box)
    lazy.expander(t("gate_explorer.equations_title", cell=run.cell),
                  lambda: show_equations(run.cell, run.num_directions == 2), key="gx_equations",
                  container=equations_box)
    if run.cell == "GRU":
        st.info(t("gate_explorer.gru_convention"), icon=":material/info:")


@safe
def render() -> None:
    st.title(t("gate_explorer.title"))
    st.caption(t("gate_explorer.intro"))

    choice = models.model_picker()
    model = models.get_model(choice)
    with st.sidebar:
        model_summary(choice, model)
    sentence(choice)


@st.fragment
@safe
def sentence(choice: models.Choice) -> None:
    """The sentence box and everything under it. A fragment: typing a sentence reruns only this,
    not the app shell, navigation, language switch and model picker (a class of 50 types far more
    often than it changes model; bench/bench_app.py)."""
    text = widgets.sentence_input()
    tokens, total = models.tokens_for(choice, text)
    if not widgets.length_notes(tokens, total, t("gate_explorer.empty_prompt")):
        return
    explore(choice, tuple(tokens))


render()
