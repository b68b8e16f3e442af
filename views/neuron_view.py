"""Neuron view: the text coloured by one unit, the top-5 next tokens beneath (language models), and
a unit finder that ranks every unit by its correlation with a property of the text.

Thin page: widgets -> ``ui.models.run_model`` (cached trace + top-5) -> ``rnnviz.analysis.annotations``
(property of each token, Pearson ranking) and ``rnnviz.plots.neuron`` (escaped HTML text, figures) ->
draw. After Karpathy, Johnson & Fei-Fei (2015), "Visualizing and Understanding Recurrent Networks".
"""

from __future__ import annotations

import csv
import io

import streamlit as st

from rnnviz import Trace, quantities
from rnnviz.analysis import annotations
from rnnviz.i18n import t
from rnnviz.models import NextTokens
from rnnviz.plots import heatmaps, neuron
from ui import charts, lessons, models, params, widgets
from ui.safety import safe

SOURCES = ("sentence", "reference")
SOURCE_KEYS = {"sentence": "neuron_view.source_sentence", "reference": "neuron_view.source_reference"}
ANNOTATION_KEYS = {
    "inside_quotes": "neuron_view.ann_inside_quotes", "inside_brackets": "neuron_view.ann_inside_brackets",
    "bracket_depth": "neuron_view.ann_bracket_depth", "after_negation": "neuron_view.ann_after_negation",
    "position_in_word": "neuron_view.ann_position_in_word",
    "position_in_sentence": "neuron_view.ann_position_in_sentence", "vowel": "neuron_view.ann_vowel",
    "space": "neuron_view.ann_space", "uppercase": "neuron_view.ann_uppercase",
    "punctuation": "neuron_view.ann_punctuation", "count_a_minus_b": "neuron_view.ann_count_a_minus_b",
}
DEFAULT_ANNOTATION = {"word": "after_negation", "char": "inside_quotes"}
TASK_ANNOTATION = {"counter": "count_a_minus_b"}  # the aⁿbⁿ model: find the counting cell
TOP_UNITS = 10
TOP_DEFAULT_MAX = 80  # longer texts start without the top-5 lists (they make the text 5× taller)
FEW_STEPS = 30  # fewer defined steps than this: the finder warns that r is only a hint
ARROW = {0: " →", 1: " ←"}


def _use(layer: int, direction: int, unit: int) -> None:
    st.session_state["layer"], st.session_state["direction"], st.session_state["unit"] = layer, direction, unit


def ranking_csv(scores: list[annotations.UnitScore], annotation: str, quantity: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["rank", "quantity", "annotation", "layer", "direction", "unit", "pearson_r", "steps"])
    for k, s in enumerate(scores, 1):
        w.writerow([k, quantity, annotation, s.layer, "forward" if s.direction == 0 else "backward", s.unit,
                    f"{s.r:.6f}", s.n])
    return buf.getvalue().encode("utf-8")


def unit_finder(run: Trace, tokens: list[str], level: str, quantity: str, unit_values, zrange,
                unit: int, bidirectional: bool, task: str = "") -> list[annotations.UnitScore]:
    st.subheader(t("neuron_view.finder_heading"))
    label = t(quantities.LABEL_KEY[quantity])
    st.caption(t("neuron_view.finder_intro", quantity=label))
    options = annotations.names_for(level)
    name = params.bound(st.selectbox, t("neuron_view.annotation"), key="annotation",
                        default=TASK_ANNOTATION.get(task, DEFAULT_ANNOTATION.get(level, options[0])),
                        parse=params.choice(options),
                        options=options, format_func=lambda n: t(ANNOTATION_KEYS[n]),
                        help=t("neuron_view.annotation_help"))
    values = annotations.annotate(name, tokens, level)
    charts.show(neuron.unit_figure(tokens, unit_values, quantity, zrange, unit=unit, annotation=values,
                                   annotation_label=t(ANNOTATION_KEYS[name])), key="nv_unit")
    arrays = {(layer, d): run.get(quantity, layer, d)
              for layer in range(run.num_layers) for d in range(run.num_directions)}
    try:
        scores = annotations.rank_units(arrays, values, top=TOP_UNITS)
    except ValueError:
        st.info(t("neuron_view.constant", annotation=t(ANNOTATION_KEYS[name])), icon=":material/info:")
        return []
    arrow = lambda d: ARROW[d] if bidirectional else ""  # noqa: E731
    labels = [t("neuron_view.unit_label", layer=s.layer + 1, direction=arrow(s.direction), unit=s.unit) for s in scores]
    left, right = st.columns([3, 2], gap="medium")
    with left:
        charts.show(neuron.ranking_figure(labels, [s.r for s in scores]), key="nv_ranking")
    with right:
        best = scores[0]
        st.markdown(t("neuron_view.best_summary", layer=best.layer + 1, direction=arrow(best.direction),
                      unit=best.unit, r=best.r, n=best.n))
        if best.n < FEW_STEPS:
            st.warning(t("neuron_view.weak_warning", n=best.n), icon=":material/warning:")
        pick, go = st.columns([1, 2], vertical_alignment="bottom")
        with pick:  # any ranked unit, not only the best (an action, not view state: the unit goes to the URL)
            rank = st.selectbox(t("neuron_view.use_rank"), options=list(range(1, len(scores) + 1)), key="nv_rank")
        chosen = scores[int(rank) - 1]
        with go:
            st.button(t("neuron_view.use_best") if rank == 1 else t("neuron_view.use_rank") + f" #{rank}",
                      key="nv_use_best", icon=":material/colorize:", type="primary",
                      on_click=_use, args=(chosen.layer, chosen.direction, chosen.unit))
        rows = [{t("neuron_view.rank_column"): k, t("neuron_view.layer_column"): s.layer + 1,
                 t("neuron_view.direction_column"): arrow(s.direction).strip() or "→",
                 t("neuron_view.unit_column"): s.unit, t("neuron_view.r_column"): round(s.r, 3)}
                for k, s in enumerate(scores, 1)]
        st.dataframe(rows, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(rows)))
        st.download_button(t("neuron_view.export_ranking"), data=ranking_csv(scores, name, quantity),
                           file_name=lessons.safe_stem("units", quantity, name) + ".csv", mime="text/csv",
                           on_click="ignore", key="nv_ranking_csv", icon=":material/leaderboard:")
    return scores


@safe
def render() -> None:
    st.title(t("neuron_view.title"))
    st.caption(t("neuron_view.intro"))

    choice = models.model_picker()
    model = models.get_model(choice)
    text = widgets.sentence_input()
    source = params.bound(st.radio, t("neuron_view.source"), key="source", default=SOURCES[0],
                          parse=params.choice(SOURCES), options=list(SOURCES),
                          format_func=lambda s: t(SOURCE_KEYS[s]), horizontal=True, help=t("neuron_view.source_help"))
    raw = text if source == "sentence" else t("neuron_view.reference_text")
    tokens, total = models.tokens_for(choice, raw)
    if not widgets.length_notes(tokens, total, t("neuron_view.empty_prompt")):
        return
    run = models.run_model(choice, tuple(tokens))
    is_lm = isinstance(run.prediction, NextTokens)

    with st.sidebar:
        options = list(run.quantities)
        quantity = params.bound(st.selectbox, t("neuron_view.quantity"), key="quantity", default="hidden_state",
                                parse=params.choice(options), options=options,
                                format_func=lambda n: t(quantities.LABEL_KEY[n]))
        layer = lessons.layer_selector(run.num_layers, t("neuron_view.layer"))
        direction = lessons.direction_selector(run.num_directions, t("neuron_view.direction"))
        units = run.get(quantity, layer, direction).shape[1]
        unit = lessons.unit_selector(units, t("neuron_view.unit"), help=t("neuron_view.unit_help"))
        show_top = False
        if model.trained and not is_lm:
            st.caption(t("neuron_view.no_top"))
        if is_lm:
            show_top = bool(params.bound(st.toggle, t("neuron_view.show_top"), key="top",
                                         default=len(tokens) <= TOP_DEFAULT_MAX,
                                         parse=lambda raw: str(raw) == "True"))

    bidirectional = run.num_directions > 1
    zrange = heatmaps.value_range(quantity, [run.get(quantity, la, d) for la in range(run.num_layers)
                                            for d in range(run.num_directions)])
    unit_values = run.get(quantity, layer, direction)[:, unit]
    st.subheader(t("neuron_view.text_heading", quantity=t(quantities.LABEL_KEY[quantity]), layer=layer + 1,
                   direction=ARROW[direction] if bidirectional else "", unit=unit))
    st.html(neuron.text_html(tokens, unit_values, quantity, zrange, top=run.prediction.top() if show_top else None,
                             compact=model.level == "char"))
    if show_top:
        st.caption(t("neuron_view.top_caption"))

    unit_finder(run, tokens, model.level, quantity, unit_values, zrange, unit, bidirectional, model.task)
    lessons.export_buttons(model, tokens, stem=lessons.safe_stem(model.name, source, "trace"), area="neuron_view",
                           key="nv_export")


render()
