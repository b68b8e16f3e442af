"""State space: the sentence's path through the hidden-state space, fixed points, minimal pairs.

Thin page: widgets -> ``ui.state_space`` (cached ``rnnviz.analysis``: reference PCA, fixed points,
minimal pair, patching, clamping) -> ``rnnviz.plots.state_space`` builders -> draw. Issue 14;
the science is in the docstrings of ``rnnviz/analysis/*.py``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from rnnviz import quantities
from rnnviz.analysis import minimal_pairs
from rnnviz.analysis.recurrence import UnsupportedModel
from rnnviz.i18n import t
from rnnviz.plots import heatmaps
from rnnviz.plots.finished import finished
from rnnviz.plots import state_space as plots
from rnnviz.plots.tokens import visible_token
from ui import charts, lazy, lessons, models, params, widgets
from ui import state_space as cache
from ui.safety import safe
from ui.user_model import plain

PAIR_A = "the film was good and the music was fine"
PAIR_B = "the film was not good and the music was fine"
VIEWS = ("2d", "3d")


def first_visit_default() -> None:
    """The first time this page runs in a session, an untouched sentence box (empty, or still the
    app's default sentence) becomes the minimal pair's A, so the pair shows something at once."""
    if st.session_state.get("_state_space_seeded"):
        return
    st.session_state["_state_space_seeded"] = True
    current = st.session_state.get("sentence", st.session_state.get(params.KEEP + "sentence"))
    url = st.query_params.get("sentence")
    if current in (None, widgets.DEFAULT_SENTENCE) and url in (None, widgets.DEFAULT_SENTENCE):
        st.session_state["sentence"] = PAIR_A


def lab_picker() -> "cache.LabChoice | None":
    """The live lab's flip-flop and aⁿbⁿ runs (when rnnviz.lab is installed): one replaces the
    model chosen above."""
    runs = cache.lab_runs()
    if not runs:
        params.publish("lab_run", "")
        return None
    options = [""] + runs
    with st.sidebar:
        run = params.bound(st.selectbox, t("state_space.lab_run"), key="lab_run", default="",
                           parse=params.choice(options), options=options, help=t("state_space.lab_run_help"),
                           format_func=lambda r: r or t("state_space.lab_none"))
    return cache.LabChoice(run) if run else None


def _use_example() -> None:
    """An example pair was picked: it becomes sentences A and B (then the box shows the blank again)."""
    picked = st.session_state.get("example_pair")
    if picked:
        st.session_state["sentence"], st.session_state["sentence_b"] = picked.split("\t")
        st.session_state["example_pair"] = ""


def example_picker(space) -> None:
    """The repository's minimal pairs (tests/data/sentiment_minimal_pairs.tsv), for a classifier."""
    pairs = cache.example_pairs() if space.readout_kind == "positive" else []
    if not pairs:
        return
    options = [""] + [f"{a}\t{b}" for a, b in pairs]
    st.selectbox(t("state_space.examples"), options, key="example_pair", on_change=_use_example,
                 format_func=lambda o: t("state_space.examples_none") if not o else " ⟷ ".join(o.split("\t")))


def colour(space) -> plots.Colour | None:
    if space.readout_kind == "positive":
        return plots.Colour(t("state_space.colour_positive"), 0.0, 1.0, diverging=True)
    if space.readout_kind == "entropy":
        return plots.Colour(t("state_space.colour_entropy"), 0.0, float(np.log2(max(space.n_outputs, 2))), False)
    if space.readout_kind == "output":
        return plots.Colour(readout_label(space), -1.0, 1.0, diverging=True)
    return None


def part_label(part: str) -> str:
    return t(quantities.LABEL_KEY[part])


def view_controls(space) -> tuple[int, str, int]:
    """Sidebar: 2-D / 3-D, h or c (LSTM), direction (bidirectional)."""
    view = params.bound(st.radio, t("state_space.view"), key="view", default="2d", parse=params.choice(VIEWS),
                        options=list(VIEWS), horizontal=True, format_func=lambda v: t(f"state_space.view_{v}"))
    parts = ["hidden_state", "cell_state"] if space.layout.cell == "LSTM" else ["hidden_state"]
    part = "hidden_state"
    if len(parts) > 1:
        part = params.bound(st.radio, t("state_space.part"), key="part", default="hidden_state",
                            parse=params.choice(parts), options=parts, horizontal=True, format_func=part_label)
    else:
        params.publish("part", part)
    direction = lessons.direction_selector(space.directions, t("state_space.direction"))
    return (3 if view == "3d" else 2), part, direction


def step_slider(tokens: list[str]) -> int:
    if len(tokens) < 2:
        params.publish("step", 0)
        return 0
    return int(params.bound(st.select_slider, t("controls.step"), key="step", default=len(tokens) - 1,
                            parse=params.integer(0, len(tokens) - 1), options=list(range(len(tokens))),
                            format_func=lambda i: f"{i} · {visible_token(tokens[i], 20)}"))


def fixed_selector(space, fp) -> int | None:
    if len(fp) == 0:
        params.publish("fixed_point", "")
        return None
    stable = np.abs(fp.eigenvalues[:, 0]) < 1

    def label(k: int) -> str:
        kind = t("state_space.stable") if stable[k] else t("state_space.unstable")
        if fp.readout is None:
            return t("state_space.fixed_option_plain", index=k, kind=kind)
        return t("state_space.fixed_option", index=k, kind=kind, label=readout_label(space), value=float(fp.readout[k]))

    return int(params.bound(st.selectbox, t("state_space.fixed_pick"), key="fixed_point", default=0,
                            parse=params.integer(0, len(fp) - 1), options=list(range(len(fp))), format_func=label))


def readout_label(space) -> str:
    if space.readout_kind == "output":
        return t("state_space.colour_output", name=space.output_name)
    return t("state_space.colour_positive") if space.readout_kind == "positive" else t("state_space.colour_entropy")


def main_figure(space, part, direction, dims, pair, step, selected, font):
    result, values_a, values_b = pair.result, pair.values_a, pair.values_b
    pca = space.pca[(direction, part)]
    cut = slice(0, space.layout.h_size) if part == "hidden_state" else slice(space.layout.h_size, space.layout.size)
    paths = [plots.Path(pca.transform(result.states_a[direction][:, cut]), result.tokens_a,
                        None if values_a[direction] is None else values_a[direction], t("state_space.sentence_a_name"))]
    if result.tokens_b != result.tokens_a:
        # B's labels only where it has left A's path (the shared prefix would print every word twice)
        prefix = minimal_pairs.common_ends(result.tokens_a, result.tokens_b)[0] if direction == 0 else 0
        paths.append(plots.Path(pca.transform(result.states_b[direction][:, cut]), result.tokens_b,
                                values_b[direction], t("state_space.sentence_b_name"), plots.COLOUR_B, "dash",
                                label_from=prefix))
    fp = space.fixed[direction]
    share = pca.variance_ratio
    axes = [t("state_space.axis", k=k + 1, share=float(share[k]) if k < len(share) else 0.0) for k in range(dims)]
    stable = np.abs(fp.eigenvalues[:, 0]) < 1 if len(fp) else None
    cloud_name = t("state_space.cloud_finals") if space.readout_kind == "positive" else t("state_space.cloud_all")
    return plots.trajectory_figure(
        paths, axis_titles=axes, colour=colour(space), cloud=space.cloud[(direction, part)][:, :dims],
        cloud_name=cloud_name, fixed=space.fixed_coords[(direction, part)][:, :dims], fixed_values=fp.readout,
        fixed_stable=stable, fixed_name=t("state_space.fixed_name"), selected_fixed=selected, step=step, dims=dims,
        title=t("state_space.figure_title", part=part_label(part)), value_label=readout_label(space), font=font,
        height=430)


@st.fragment
@safe
def path_view(space, pair, tokens, dims, part, direction, selected, font) -> None:
    """The main figure, the step slider and the readout at that step. A fragment: moving the step
    reruns only this, with the arguments of the last full run (the cached space and pair themselves:
    no cache lookup, no unpickling per move)."""
    figure_box, side = st.columns([4, 1], gap="small")
    with figure_box:
        chart = st.container()
        step = step_slider(list(tokens))
        with chart:
            charts.show(main_figure(space, part, direction, dims, pair, step, selected, font), key="ss_main")
    with side:
        values_a = pair.values_a[direction]
        if values_a is None:
            st.caption(t("state_space.no_readout"))
            return
        st.markdown(t("state_space.at_step", step=step, token=plain(visible_token(tokens[step], 30)),
                      label=readout_label(space), value=float(values_a[step])))
        a, b = pair.scalar_a, pair.scalar_b
        if a is not None and b is not None:
            st.markdown(t("state_space.prediction", label=readout_label(space), a=a, b=b))


def show_fixed(space, direction, selected, font) -> None:
    fp = space.fixed[direction]
    st.subheader(t("state_space.fixed_heading"))
    if len(fp) == 0:
        st.info(t("state_space.fixed_none", threshold=fp.q_threshold, starts=fp.starts), icon=":material/info:")
        return
    stable = int((np.abs(fp.eigenvalues[:, 0]) < 1).sum())
    st.caption(t("state_space.fixed_summary", count=len(fp), threshold=fp.q_threshold, starts=fp.starts, stable=stable))
    eig = fp.eigenvalues[selected]
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        charts.show(plots.eigenvalue_figure(eig, title=t("state_space.eig_title", index=selected),
                                            real_title=t("state_space.real"), imag_title=t("state_space.imag"),
                                            circle_name=t("state_space.unit_circle"), tau_label=t("state_space.tau"),
                                            font=font), key="ss_eigenvalues")
    with right:
        taus = fp.time_constants[selected][:5]
        st.markdown(t("state_space.tau_caption", taus=", ".join("∞" if not np.isfinite(x) else f"{x:.1f}" for x in taus)))


def aligned_labels(result) -> list[str] | None:
    """A's token at each aligned position ("good/bad" where B has another word); None (after a
    message) when the two sentences are the same or share no word."""
    if result.tokens_a == result.tokens_b:
        st.info(t("state_space.pair_same"), icon=":material/compare_arrows:")
        return None
    if not result.pairs:
        st.info(t("state_space.pair_unaligned"), icon=":material/compare_arrows:")
        return None
    return [a if a == result.tokens_b[j] else f"{a}/{result.tokens_b[j]}" for a, j in
            ((result.tokens_a[i], j) for i, j in result.pairs)]


def show_pair(choice, space, pair, direction, font) -> None:
    """The minimal pair's section: how far apart, state patching, every gate's difference."""
    labels = aligned_labels(pair.result)
    if labels is None:
        return
    show_distance(pair, labels, direction, font)
    show_patching(choice, space, pair, labels, direction, font)
    show_differences(pair, direction)


def show_distance(pair, labels, direction, font) -> None:
    """‖h_A − h_B‖ over the aligned tokens and its half-life after the change."""
    result = pair.result
    fit = minimal_pairs.half_life(result, direction)
    fit_x = fit_y = None
    if fit is not None and np.isfinite(fit.half_life):
        index = {i: k for k, (i, _) in enumerate(result.pairs)}
        fit_x = np.array([index[p] for p in fit.positions if p in index])
        fit_y = fit.curve()[:len(fit_x)]
    charts.show(plots.distance_figure(labels, result.distance[direction], fit_positions=fit_x, fit_curve=fit_y,
                                      title=t("state_space.distance_title"), y_title=t("state_space.distance_y"),
                                      x_title=t("state_space.aligned_axis"), data_name=t("state_space.distance_name"),
                                      fit_name=t("state_space.fit_name"), font=font), key="ss_distance")
    if fit is None:
        st.caption(t("state_space.half_life_none"))
    elif not np.isfinite(fit.half_life):
        st.markdown(t("state_space.half_life_inf"))
    else:
        st.markdown(t("state_space.half_life", steps=fit.half_life, count=len(fit.steps)))


def show_patching(choice, space, pair, labels, direction, font) -> None:
    """A's prediction when its state at one aligned step is replaced by B's."""
    result = pair.result
    st.subheader(t("state_space.patch_heading"))
    st.caption(t("state_space.patch_intro"))
    k = int(params.bound(st.select_slider, t("state_space.patch_step"), key="patch_step", default=len(labels) - 1,
                         parse=params.integer(0, len(labels) - 1), options=list(range(len(labels))),
                         format_func=lambda k: f"{result.pairs[k][0]} · {visible_token(labels[k], 20)}"))
    curve = cache.patching(choice, pair)[direction]
    if curve is None:
        st.info(t("state_space.patch_none"), icon=":material/info:")
        return
    scalar_a, scalar_b = pair.scalar_a, pair.scalar_b
    positive = space.readout_kind == "positive"
    charts.show(plots.patch_figure(labels, curve, value_a=scalar_a, value_b=scalar_b, selected=k,
                                   title=t("state_space.patch_title", label=readout_label(space)),
                                   y_title=readout_label(space), x_title=t("state_space.aligned_axis"),
                                   name_a=t("state_space.as_typed_a"), name_b=t("state_space.as_typed_b"),
                                   name_patched=t("state_space.patch_name"),
                                   y_range=(0.0, 1.0) if positive else None, font=font), key="ss_patch")
    st.markdown(t("state_space.patch_result", step=result.pairs[k][0], token=plain(visible_token(labels[k], 30)),
                  label=readout_label(space), before=scalar_a, after=float(curve[k]), b=scalar_b))


def show_differences(pair, direction) -> None:
    result = pair.result
    st.subheader(t("state_space.diff_heading"))
    names = sorted({q for q, _, _ in result.differences}, key=list(quantities.LABEL_KEY).index)
    name = params.bound(st.selectbox, t("state_space.diff_quantity"), key="diff_quantity", default="hidden_state",
                        parse=params.choice(names), options=names, format_func=part_label)
    layers = sorted({layer for _, layer, _ in result.differences})
    tokens = [result.tokens_a[i] for i, _ in result.pairs]
    for layer in layers:
        panels = [result.differences[(name, layer, d)] for d in range(len(result.states_a))]
        bound = max(1e-3, max(float(np.abs(p).max()) for p in panels))
        spec = heatmaps.heatmap_spec("difference", [np.ascontiguousarray(p, dtype=np.float32) for p in panels],
                                     tokens, layer=layer, zrange=(-bound, bound))
        spec["layout"]["title"]["text"] = t("state_space.diff_title", quantity=part_label(name), layer=layer + 1)
        charts.show(finished(spec["data"], spec["layout"]), key=f"ss_diff_{layer}")


def show_clamp(choice, tokens, space, pair) -> None:
    left, right = st.columns(2)
    with left:
        unit = lessons.unit_selector(space.layout.output_size, t("state_space.clamp_unit"), key="clamp_unit")
    with right:
        value = float(params.bound(st.slider, t("state_space.clamp_value"), key="clamp_value", default=1.0,
                                   parse=lambda raw: _in_range(float(raw), -1.0, 1.0), min_value=-1.0,
                                   max_value=1.0, step=0.05))
    result, after, before = cache.held(choice, tuple(tokens), unit, value, None, pair.result.states_a)
    if after is None:
        delta = float(np.linalg.norm(np.concatenate(minimal_pairs.finals_of(result.states))
                                     - np.concatenate(minimal_pairs.finals_of(result.original))))
        st.markdown(t("state_space.clamp_moved", unit=unit, value=value, delta=delta))
    else:
        st.markdown(t("state_space.clamp_result", unit=unit, value=value, label=readout_label(space), before=before,
                      after=after))


def _in_range(value: float, lo: float, hi: float) -> float:
    if not (lo <= value <= hi):
        raise ValueError(value)
    return value


def show_expected(space) -> None:
    st.subheader(t("state_space.evo_heading"))
    st.caption(t("state_space.evo_intro"))
    rows = space.observed
    names = [t("state_space.evo_observed")] if len(rows) == 1 else [
        t("state_space.evo_observed_direction", direction=t("figures.forward") if r.direction == 0 else t("figures.backward"))
        for r in rows]
    none = t("state_space.observed_none")
    table = [
        [t("state_space.evo_variance"), t("state_space.paper_variance")]
        + [t("state_space.observed_variance", top2=r.variance_top2, top3=r.variance_top3) for r in rows],
        [t("state_space.evo_points"), t("state_space.paper_points")]
        + [t("state_space.observed_points", count=r.fixed_points, stable=r.stable_points) for r in rows],
        [t("state_space.evo_dimension"), t("state_space.paper_dimension")] + [str(r.dimension) for r in rows],
        [t("state_space.evo_alignment", chance=rows[0].chance_alignment), t("state_space.paper_alignment")]
        + [none if r.alignment is None else f"{r.alignment:.2f}" for r in rows],
        [t("state_space.evo_tau"), t("state_space.paper_tau")]
        + [none if not np.isfinite(r.slowest_tau) else t("state_space.observed_tau", tau=r.slowest_tau,
                                                          length=r.sentence_length) for r in rows],
    ]
    if rows[0].task == "flipflop":  # the 3-bit flip-flop's own expectation (Sussillo & Barak 2013)
        table.append([t("state_space.evo_flipflop"), t("state_space.paper_flipflop")]
                     + [str(r.stable_points) for r in rows])
    header = [t("state_space.evo_quantity"), t("state_space.evo_paper")] + names
    st.dataframe([dict(zip(header, row)) for row in table], hide_index=True, width="stretch")
    for name, r in zip(names, rows):
        verdict = r.verdicts()
        agree = [t(f"state_space.v_{k}") for k, ok in verdict.items() if ok] or [t("state_space.evo_nothing")]
        differ = [t(f"state_space.v_{k}") for k, ok in verdict.items() if not ok] or [t("state_space.evo_nothing")]
        text = t("state_space.evo_agree", items="; ".join(agree)) + " " + t("state_space.evo_differs", items="; ".join(differ))
        if not verdict["line_attractor"]:
            text += " " + t("state_space.evo_isolated", count=r.fixed_points)
        st.markdown(f"**{name}** — {text}")
    st.caption(t("state_space.evo_citation"))


@safe
def render() -> None:
    st.title(t("state_space.title"))
    st.caption(t("state_space.intro"))
    font = 13  # lesson mode: ui.charts.show draws every chart's text 4/3 larger (17 px)

    choice = models.model_picker()
    choice = lab_picker() or choice
    first_visit_default()
    try:
        with st.spinner(t("state_space.computing")):
            space = cache.space(choice)
    except UnsupportedModel:
        st.info(t("state_space.unsupported"), icon=":material/info:")
        return
    with st.sidebar:
        example_picker(space)
        dims, part, direction = view_controls(space)
        selected = fixed_selector(space, space.fixed[direction])
    sentences(choice, space, dims, part, direction, selected, font)
    show_expected(space)  # the model's, not the sentences': outside the fragment, typing does not redo it


@st.fragment
@safe
def sentences(choice, space, dims, part, direction, selected, font) -> None:
    """The two sentence boxes and everything that depends on them. A fragment (as the Gate
    Explorer's): typing reruns only this, not the app shell, the pickers, the sidebar and the
    expected-vs-observed table. Under the first screen (both paths, the fixed points) the pair's
    and the clamping's sections are built only while open (``ui.lazy``): typing costs what the first
    screen costs. ``?open=pair,clamp`` or a section's control in a link (``?clamp_unit=5``) opens them."""
    col_a, col_b = st.columns(2)
    text = widgets.sentence_input(col_a)
    text_b = params.bound(col_b.text_input, t("state_space.sentence_b"), key="sentence_b", default=PAIR_B,
                          parse=lambda raw: raw[:widgets.MAX_SENTENCE_CHARS], max_chars=widgets.MAX_SENTENCE_CHARS,
                          help=t("state_space.sentence_b_help"))
    model = cache.get_model(choice)  # once: each cached lookup costs a hash and a signature inspection
    tokens, total = cache.tokens_for(choice, text, model)
    if not widgets.length_notes(tokens, total, t("state_space.empty_prompt")):
        return
    tokens_b = cache.tokens_for(choice, text_b, model)[0] or tokens
    pair = cache.pair(choice, tuple(tokens), tuple(tokens_b), model)

    path_view(space, pair, tuple(tokens), dims, part, direction, selected, font)
    if selected is not None:
        show_fixed(space, direction, selected, font)
    # two expanders, not one per section: each is a widget on every keystroke (~1 ms of server CPU)
    lazy.linked_expander(t("state_space.pair_heading"), lambda: show_pair(choice, space, pair, direction, font),
                         key="ss_pair", name="pair", controls=("patch_step", "diff_quantity"))
    lazy.linked_expander(t("state_space.clamp_heading"), lambda: show_clamp(choice, tokens, space, pair),
                         key="ss_clamp", name="clamp", controls=("clamp_unit", "clamp_value"))

render()
