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
from rnnviz.analysis.defaults import TEMPEST_PASSAGE, best_annotation
from rnnviz.i18n import t
from rnnviz.models import NextTokens
from rnnviz.plots import heatmaps, neuron
from ui import charts, lessons, models, params, widgets
from ui.safety import safe

SOURCES = ("sentence", "reference")
FIRST_MODEL = "shakespeare-lstm"  # Karpathy et al.'s setting: a character LSTM reading a play
FIRST_SOURCE = "reference"        # a passage of the model's own domain, long enough for a correlation
PICK_BEST = "_nv_pick_best"        # set when the best unit should be selected again (model / property changed)
LAST_MODEL = "_nv_model"
VISITED = "_nv_visited"
RESET_ON_SWITCH = ("annotation", "layer", "direction", "unit")
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


def reference_text(level: str) -> str:
    """The reference passage in the model's domain: The Tempest for characters, prose for words."""
    return TEMPEST_PASSAGE if level == "char" else t("neuron_view.reference_text")


def reset_on_model_switch(name: str) -> None:
    """Another model: forget the property and unit of the previous one (a word property on a
    character model, a unit number of another network), so the defaults apply again."""
    last = st.session_state.get(LAST_MODEL)
    st.session_state[LAST_MODEL] = name
    if last is None or last == name:
        return
    for key in RESET_ON_SWITCH:
        st.session_state.pop(key, None)
        st.session_state.pop(params.KEEP + key, None)
        st.query_params.pop(key, None)
    st.session_state[PICK_BEST] = True


def _pick_best_again() -> None:
    st.session_state[PICK_BEST] = True


@st.cache_data(max_entries=32, show_spinner=False)
def first_property(choice: models.Choice, tokens: tuple[str, ...], quantity: str, level: str) -> str | None:
    """The property whose best unit tracks it most closely on this text (rnnviz.analysis.defaults)."""
    run = models.run_model(choice, tokens)
    arrays = {(layer, d): run.get(quantity, layer, d)
              for layer in range(run.num_layers) for d in range(run.num_directions)}
    found = best_annotation(arrays, tokens, level)
    return None if found is None else found[0]


def default_annotation(choice: models.Choice, tokens: list[str], level: str, quantity: str, task: str) -> str:
    options = annotations.names_for(level)
    if task in TASK_ANNOTATION:
        return TASK_ANNOTATION[task]
    return first_property(choice, tuple(tokens), quantity, level) or DEFAULT_ANNOTATION.get(level, options[0])


def preselect_best_unit(run: Trace, tokens: list[str], level: str, quantity: str, annotation: str) -> None:
    """Put the unit that tracks ``annotation`` best in the layer / direction / unit selectors, on this
    page's first run and after a model or property change (never over a unit from the URL)."""
    fresh = not st.session_state.get(VISITED) and "unit" not in st.query_params  # this page's first run
    st.session_state[VISITED] = True
    if not (st.session_state.pop(PICK_BEST, False) or fresh):
        return
    arrays = {(layer, d): run.get(quantity, layer, d)
              for layer in range(run.num_layers) for d in range(run.num_directions)}
    try:
        best = annotations.rank_units(arrays, annotations.annotate(annotation, tokens, level), top=1)[0]
    except (ValueError, IndexError):  # the property never changes on this text
        return
    _use(best.layer, best.direction, best.unit)


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
                unit: int, bidirectional: bool, default: str, line_box) -> list[annotations.UnitScore]:
    """The property and the unit's line over the text (in ``line_box``, above the coloured text:
    the page's chart on the first screen), then the ranking of every unit."""
    options = annotations.names_for(level)
    with line_box:
        name = params.bound(st.selectbox, t("neuron_view.annotation"), key="annotation",
                            default=default, parse=params.choice(options), on_change=_pick_best_again,
                            options=options, format_func=lambda n: t(ANNOTATION_KEYS[n]),
                            help=t("neuron_view.annotation_help"))
        values = annotations.annotate(name, tokens, level)
        charts.show(neuron.unit_figure(tokens, unit_values, quantity, zrange, unit=unit, annotation=values,
                                       annotation_label=t(ANNOTATION_KEYS[name])), key="nv_unit")
    st.subheader(t("neuron_view.finder_heading"))
    st.caption(t("neuron_view.finder_intro", quantity=t(quantities.LABEL_KEY[quantity])))
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

    choice = models.model_picker(default=FIRST_MODEL)
    reset_on_model_switch(choice.name)
    model = models.get_model(choice)
    text_box, source_box = st.columns([3, 2], vertical_alignment="bottom")  # one row: the unit's text sooner
    text = widgets.sentence_input(text_box)
    source = params.bound(source_box.radio, t("neuron_view.source"), key="source", default=FIRST_SOURCE,
                          parse=params.choice(SOURCES), options=list(SOURCES),
                          format_func=lambda s: t(SOURCE_KEYS[s]), horizontal=True, help=t("neuron_view.source_help"),
                          on_change=_pick_best_again)
    raw = text if source == "sentence" else reference_text(model.level)
    tokens, total = models.tokens_for(choice, raw)
    if not widgets.length_notes(tokens, total, t("neuron_view.empty_prompt")):
        return
    run = models.run_model(choice, tuple(tokens))
    is_lm = isinstance(run.prediction, NextTokens)

    with st.sidebar:
        options = list(run.quantities)
        # an LSTM's cell state first: Karpathy et al.'s quote and bracket cells are cells of c
        first_quantity = "cell_state" if "cell_state" in options else "hidden_state"
        quantity = params.bound(st.selectbox, t("neuron_view.quantity"), key="quantity", default=first_quantity,
                                parse=params.choice(options), options=options, on_change=_pick_best_again,
                                format_func=lambda n: t(quantities.LABEL_KEY[n]))
        first = default_annotation(choice, tokens, model.level, quantity, model.task)
        current = st.session_state.get("annotation")
        annotation = current if current in annotations.names_for(model.level) else first
        preselect_best_unit(run, tokens, model.level, quantity, annotation)
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
    line_box = st.container()  # the property and the unit's line, drawn by unit_finder
    # the chips on this unit's own range (a shared cell-state range leaves most units pale)
    chip_range = heatmaps.value_range(quantity, [unit_values])
    st.html(neuron.text_html(tokens, unit_values, quantity, chip_range, top=run.prediction.top() if show_top else None,
                             compact=model.level == "char"))
    if show_top:
        st.caption(t("neuron_view.top_caption"))

    unit_finder(run, tokens, model.level, quantity, unit_values, zrange, unit, bidirectional, first, line_box)
    lessons.export_buttons(model, tokens, stem=lessons.safe_stem(model.name, source, "trace"), area="neuron_view",
                           key="nv_export")


render()
