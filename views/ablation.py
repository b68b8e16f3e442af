"""Ablation: force gates (forget = 1, input = 0, output = 1, update = 0, a unit's h = 0 …) for chosen
units / steps / layer / direction, and show the changed states and prediction beside the original.

Thin page: widgets -> ``rnnviz.analysis.ablation.ForceSpec`` -> ``ui.lessons.ablation_runs`` (cached:
``model.trace(tokens)`` and ``model.trace(tokens, force=...)``, each read out by the model's head)
-> ``rnnviz.analysis.ablation`` / ``rnnviz.plots.heatmaps`` builders -> draw.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import quantities
from rnnviz.analysis import ablation
from rnnviz.i18n import t
from rnnviz.models import ClassProbabilities, NextTokens, Translation
from rnnviz.plots import ablation as ablation_plots
from rnnviz.plots import heatmaps
from rnnviz.plots.tokens import visible_token
from ui import charts, lessons, models, params, widgets
from ui.safety import safe
from ui.user_model import plain  # markdown-escape: tokens are shown as text, never as markup

ALL = -1  # "every layer" / "both directions" in the selectors and the URL
ARROWS = {0: "→", 1: "←"}
CHANGED = 1e-3  # a value "changed" when forcing moved it by more than this
MAX_LISTED = 8  # units / steps named in the summary line before "…"


def _preset() -> None:
    """A new gate was chosen: start from its textbook lesion value."""
    st.session_state["force_value"] = ablation.PRESET.get(st.session_state.get("force"), 0.0)


def _listed(values: list[int]) -> str:
    shown = ", ".join(str(v) for v in values[:MAX_LISTED])
    return shown + (", …" if len(values) > MAX_LISTED else "")


def force_controls(model, tokens: list[str], cell: str) -> ablation.ForceSpec:
    """The sidebar form: what to force, to which value, where."""
    st.subheader(t("ablation.force_heading"))
    options = list(quantities.FORCEABLE[cell])
    default = quantities.KEEP_GATE[cell] or "hidden_state"
    name = params.bound(st.selectbox, t("ablation.force"), key="force", default=default,
                        parse=params.choice(options), options=options, on_change=_preset,
                        format_func=lambda n: t(quantities.LABEL_KEY[n]), help=t("ablation.force_help"))
    lo, hi = ablation.value_bounds(name)

    def parse_value(raw) -> float:
        v = float(raw)
        if not (lo <= v <= hi) or not np.isfinite(v):
            raise ValueError(raw)
        return v

    value = params.bound(st.slider, t("ablation.force_value"), key="force_value",
                         default=ablation.PRESET.get(name, 0.0), parse=parse_value, min_value=lo,
                         max_value=hi, step=0.05)
    units = lessons.bound_multiselect(t("ablation.units"), key="force_units", options=range(model.hidden_size),
                                      default=[], help=t("ablation.units_help"))
    steps = lessons.bound_multiselect(t("ablation.steps"), key="force_steps", options=range(len(tokens)),
                                      default=[], help=t("ablation.steps_help"),
                                      format_func=lambda i: f"{i} · {visible_token(tokens[i], 12)}")
    layer = ALL
    if model.num_layers > 1:
        layer = params.bound(st.selectbox, t("ablation.layer"), key="force_layer", default=ALL,
                             parse=params.integer(ALL, model.num_layers - 1),
                             options=[ALL] + list(range(model.num_layers)),
                             format_func=lambda k: t("ablation.layer_all") if k == ALL else t("ablation.layer_one", layer=k + 1))
    else:
        params.publish("force_layer", ALL)
    direction = ALL
    if model.bidirectional:
        direction = params.bound(st.radio, t("ablation.direction"), key="force_direction", default=ALL,
                                 parse=params.integer(ALL, 1), options=[ALL, 0, 1], horizontal=True,
                                 format_func=lambda d: t("ablation.direction_both") if d == ALL else
                                 (t("figures.forward") if d == 0 else t("figures.backward")))
    else:
        params.publish("force_direction", ALL)
    return ablation.ForceSpec(name, float(value), tuple(units) or None, tuple(steps) or None,
                              None if layer == ALL else int(layer), None if direction == ALL else int(direction))


def summary(spec: ablation.ForceSpec, tokens: list[str], bidirectional: bool) -> str:
    units = t("ablation.all_units") if spec.units is None else t("ablation.some_units", units=_listed(list(spec.units)))
    steps = t("ablation.all_steps") if spec.steps is None else t(
        "ablation.some_steps", steps=plain(_listed([f"{s} ({visible_token(tokens[s], 12)})" for s in spec.steps])))
    layers = t("ablation.layer_all") if spec.layer is None else t("ablation.layer_one", layer=spec.layer + 1)
    if not bidirectional:
        directions = ""
    elif spec.direction is None:
        directions = t("ablation.both_directions")
    else:
        directions = t("ablation.one_direction",
                       direction=t("figures.forward") if spec.direction == 0 else t("figures.backward"))
    return t("ablation.summary", quantity=t(quantities.LABEL_KEY[spec.name]), value=spec.value, units=units,
             steps=steps, layers=layers, directions=directions)


def show_prediction(model, tokens, original, forced) -> None:
    st.subheader(t("ablation.prediction_heading"))
    match original.prediction, forced.prediction:
        case ClassProbabilities(probabilities=before), ClassProbabilities(probabilities=after):
            left, right = st.columns([3, 2], vertical_alignment="center")
            with left:
                charts.show(ablation_plots.classify_figure(before, after), key="ab_classify")
            with right:
                for label in before:
                    st.markdown("### " + plain(t("ablation.classify_change", label=label, before=before[label],
                                                         after=after[label])))
        case NextTokens(probabilities=before), NextTokens(probabilities=after) if len(tokens) > 1:
            next_ids = model.vocab.encode(tokens[1:])
            p0 = ablation.next_token_probability(before, next_ids)
            p1 = ablation.next_token_probability(after, next_ids)
            charts.show(ablation_plots.next_token_figure(tokens, p0, p1), key="ab_next")
            changed = int((before.argmax(1) != after.argmax(1)).sum())
            st.markdown(t("ablation.lm_change", before=ablation.mean_log_likelihood(p0),
                          after=ablation.mean_log_likelihood(p1), changed=changed, total=len(before)))
        case Translation(output=before), Translation(output=after):  # encoder–decoder: decoded from the forced c
            charts.show(ablation_plots.translation_figure(before, after), key="ab_translation")
        case _:
            delta = float(np.linalg.norm(np.asarray(forced.h_n) - np.asarray(original.h_n)))
            st.info(t("ablation.no_head", delta=delta), icon=":material/info:")


def show_states(original, forced, tokens, spec) -> None:
    st.subheader(t("ablation.states_heading"))
    cols = st.columns([2, 1]) if original.num_layers > 1 else [st.container()]
    with cols[0]:
        options = list(original.quantities)
        # default: the hidden state, where a forced gate's effect reaches the output
        name = params.bound(st.selectbox, t("ablation.show"), key="show", default="hidden_state",
                            parse=params.choice(options), options=options, format_func=lambda n: t(quantities.LABEL_KEY[n]))
    layer = 0
    if original.num_layers > 1:
        with cols[1]:
            layer = lessons.layer_selector(original.num_layers, t("ablation.show_layer"), key="show_layer")
    D = original.num_directions
    before = [original.get(name, layer, d) for d in range(D)]
    after = [forced.get(name, layer, d) for d in range(D)]
    zrange = heatmaps.value_range(name, before + after)  # one colour scale for both runs
    left, right = st.columns(2)
    for column, panels, title, key in ((left, before, "ablation.original_title", "ab_original"),
                                       (right, after, "ablation.forced_title", "ab_forced")):
        with column:
            fig = heatmaps.heatmap_figure(name, panels, tokens, layer=layer, zrange=zrange)
            fig.update_layout(title=dict(text=f"{t(title)} · {fig.layout.title.text}"))
            charts.show(fig, key=key)
    charts.show(ablation_plots.difference_figure(name, before, after, tokens, layer=layer), key="ab_difference")
    diffs = np.concatenate([np.abs(a - b).ravel() for a, b in zip(before, after)])
    st.caption(t("ablation.changed_summary", max=float(diffs.max()), changed=int((diffs > CHANGED).sum()),
                 total=diffs.size))


@safe
def render() -> None:
    st.title(t("ablation.title"))
    st.caption(t("ablation.intro"))

    choice = models.model_picker()
    model = models.get_model(choice)
    text = widgets.sentence_input()
    tokens, total = models.tokens_for(choice, text)
    if not widgets.length_notes(tokens, total, t("ablation.empty_prompt")):
        return
    with st.sidebar:
        if not choice.trained:
            st.caption(t("ablation.untrained_note"))
        spec = force_controls(model, tokens, model.cell)
    spec.check(model.cell)
    st.markdown(summary(spec, tokens, model.bidirectional))
    widgets.token_chips(tokens, models.unknown_positions(choice, tokens))

    original, forced = lessons.ablation_runs(choice, tuple(tokens), spec)
    show_prediction(model, tokens, original, forced)
    show_states(original, forced, tokens, spec)
    lessons.export_buttons(model, tokens, stem=lessons.safe_stem(model.name, "forced", spec.name), force=spec.forces(),
                           area="ablation", key="ab_export")


render()
