"""No Chinese text drawn on its side (issue 12): every figure builder in rnnviz.plots, in Chinese, leaves
no y-axis title with CJK text for Plotly to rotate and no CJK colour-bar title on the bar's (rotated)
right side; each such title is an annotation above its axis instead (rnnviz.plots.axis_titles), with
the title's text and font, and room is made for it: the plot areas keep their pixel heights and the
strip above each panel holds one line of lesson-mode text. In English the titles stay as they were.
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

from rnnviz import quantities
from rnnviz.analysis.saturation import SIGMOID_GATES, saturation
from rnnviz.analysis.shapes import ShapeConfig, describe, run
from rnnviz.i18n import t
from rnnviz.lessons import chapters
from rnnviz.plots import ablation, axis_titles, diagram, heatmaps, io_diagrams, lab, learn, neuron, view_figures
from rnnviz.plots import state_space as space
from tests.plots.figure import figure

CJK = re.compile("[\u4e00-\u9fff]")  # ideographs: what every Chinese title here contains
RNG = np.random.default_rng(3)
TOKENS = ["the", "film", "was", "not", "good"]
LONG = [f"w{k}" for k in range(70)]  # more tokens than the heatmap prints: the thinned overlay axes


def spec_of(built) -> dict:
    return built if isinstance(built, dict) else built.to_dict()


def rotated_cjk(spec: dict) -> list[str]:
    """Every CJK text Plotly would draw rotated: y-axis titles, colour-bar titles on the right side."""
    layout, found = spec["layout"], []
    for key, axis in layout.items():
        if re.fullmatch(r"yaxis\d*", key) and CJK.search(axis_titles.title_text(axis) or ""):
            found.append(f"{key}: {axis_titles.title_text(axis)}")
    bars = [layout[k].get("colorbar") for k in layout if k.startswith("coloraxis")]
    bars += [trace.get("colorbar") for trace in spec.get("data", [])]
    for bar in bars:
        title = (bar or {}).get("title") or {}
        if CJK.search(str(title.get("text") or "")) and title.get("side") == "right":
            found.append(f"colour bar: {title['text']}")
    return found


def horizontal_titles(spec: dict) -> dict[str, dict]:
    """{axis id: annotation} of the horizontal y-axis titles."""
    return {note["name"][len(axis_titles.NAME):]: note for note in spec["layout"].get("annotations") or []
            if str(note.get("name", "")).startswith(axis_titles.NAME)}


def y_titles(spec: dict) -> dict[str, str]:
    """{axis id: title text} of the y axes that still carry a title."""
    return {"y" + k[5:]: axis_titles.title_text(v) for k, v in spec["layout"].items()
            if re.fullmatch(r"yaxis\d*", k) and axis_titles.title_text(v)}


def label(name: str, lang: str) -> str:
    return t(quantities.LABEL_KEY[name], lang=lang)


def saturations():
    f = RNG.uniform(0, 1, (30, 4))
    lstm = {(g, 0, 0): saturation(f ** (k + 1)) for k, g in enumerate(SIGMOID_GATES["LSTM"])}
    gru = {(g, 0, d): saturation(f ** (k + 1)) for k, g in enumerate(SIGMOID_GATES["GRU"]) for d in (0, 1)}
    return [("LSTM", "LSTM", lstm), ("Bi-GRU", "GRU", gru)]


def shapes(lang):
    cfg = ShapeConfig("LSTM", 3, 4, 2, bidirectional=True, batch_size=2, seq_len=5)
    r = run(cfg)
    return view_figures.shapes_figure(r.tensors["output"][:, 1].numpy(), r.tensors["h_n"][:, 1].numpy(),
                                      describe(cfg).equalities, hidden_out=4, num_layers=2, directions=2,
                                      batch_index=1, batch_first=False, lang=lang)


def trajectory(lang):
    coords = RNG.standard_normal((5, 2))
    axes = [t("state_space.axis", lang=lang, k=k + 1, share=0.3) for k in range(2)]
    return space.trajectory_figure([space.Path(coords, TOKENS, RNG.uniform(0, 1, 5), "A")], axis_titles=axes,
                                   colour=space.Colour(t("state_space.colour_positive", lang=lang), 0, 1),
                                   cloud=RNG.standard_normal((20, 2)), title="t", value_label="P")


A, B = (RNG.uniform(0, 1, (5, 6)).astype(np.float32) for _ in range(2))
BI = ["forward", "backward"]
# name -> (build(lang), {axis id: the title's catalogue text in that language} of its y axes)
BUILDERS = {
    "heatmap": (lambda lang: heatmaps.heatmap_spec("forget_gate", [A], TOKENS, layer=0, lang=lang),
                lambda lang: {"y": t("figures.unit", lang=lang)}),
    "heatmap, two directions": (
        lambda lang: heatmaps.heatmap_spec("forget_gate", [A, B], TOKENS, layer=1, lang=lang),
        lambda lang: {f"y{'' if d == 0 else 2}": t(f"figures.{BI[d]}", lang=lang) + "<br>" + t("figures.unit", lang=lang)
                      for d in (0, 1)}),
    "heatmap, two directions, thinned ticks": (
        lambda lang: heatmaps.heatmap_spec("hidden_state", [RNG.uniform(-1, 1, (70, 4))] * 2, LONG, layer=0, lang=lang),
        lambda lang: {f"y{'' if d == 0 else 2}": t(f"figures.{BI[d]}", lang=lang) + "<br>" + t("figures.unit", lang=lang)
                      for d in (0, 1)}),
    "ablation: classifier": (lambda lang: ablation.classify_figure({"neg": 0.2, "pos": 0.8}, {"neg": 0.7, "pos": 0.3}, lang=lang),
                             lambda lang: {"y": t("ablation.probability", lang=lang)}),
    "ablation: next token": (lambda lang: ablation.next_token_figure(TOKENS, RNG.uniform(0, 1, 4), RNG.uniform(0, 1, 4), lang=lang),
                             lambda lang: {"y": t("ablation.probability", lang=lang)}),
    "ablation: difference": (
        lambda lang: ablation.difference_figure("forget_gate", [A, B], [B, A], TOKENS, layer=0, lang=lang),
        lambda lang: {f"y{'' if d == 0 else 2}": t(f"figures.{BI[d]}", lang=lang) + "<br>" + t("figures.unit", lang=lang)
                      for d in (0, 1)}),
    "lab: curves": (lambda lang: lab.curves_figure([("GRU", [{"step": 0, "loss": None, "accuracy": 0.25},
                                                             {"step": 10, "loss": 1.0, "accuracy": 0.5}])],
                                                   chance=0.25, total_steps=100, lang=lang),
                    lambda lang: {"y": t("lab.accuracy", lang=lang), "y2": t("lab.loss", lang=lang)}),
    "lab: sweep": (lambda lang: lab.sweep_figure([{"cell": "GRU", "lag": 10, "seed": 0, "final_accuracy": 1.0}],
                                                 ["GRU"], [10], chance=0.25, lang=lang),
                   lambda lang: {"y": t("lab.final_accuracy", lang=lang)}),
    "neuron: unit": (lambda lang: neuron.unit_figure(TOKENS, RNG.uniform(-1, 1, 5), "cell_state", (-1.0, 1.0), unit=2,
                                                     annotation=np.array([0, 1, 1, 0, 0.0]),
                                                     annotation_label=t("learn.fig_hidden_only", lang=lang), lang=lang),
                     lambda lang: {"y": label("cell_state", lang), "y2": t("learn.fig_hidden_only", lang=lang)}),
    "neuron: ranking": (lambda lang: neuron.ranking_figure(["u1", "u2"], [0.5, -0.2], lang=lang), lambda lang: {}),
    "state space: trajectory": (trajectory, lambda lang: {"y": t("state_space.axis", lang=lang, k=2, share=0.3)}),
    "state space: eigenvalues": (
        lambda lang: space.eigenvalue_figure(np.array([0.5, 0.9 + 0.1j]), title="e", real_title=t("state_space.real", lang=lang),
                                             imag_title=t("state_space.imag", lang=lang), circle_name="c", tau_label="τ"),
        lambda lang: {"y": t("state_space.imag", lang=lang)}),
    "state space: distance": (
        lambda lang: space.distance_figure(TOKENS, RNG.uniform(0, 1, 5), fit_positions=None, fit_curve=None, title="d",
                                           y_title=t("state_space.distance_y", lang=lang),
                                           x_title=t("state_space.aligned_axis", lang=lang), data_name="d", fit_name="f"),
        lambda lang: {"y": t("state_space.distance_y", lang=lang)}),
    "state space: patch": (
        lambda lang: space.patch_figure(TOKENS, RNG.uniform(0, 1, 5), value_a=0.1, value_b=0.9, selected=2, title="p",
                                        y_title=t("state_space.colour_positive", lang=lang), x_title="x",
                                        name_a="A", name_b="B", name_patched="AB"),
        lambda lang: {"y": t("state_space.colour_positive", lang=lang)}),
    "compare cells": (lambda lang: view_figures.compare_figure([("LSTM", [A]), ("Bi-GRU", [A, B])], TOKENS, "forget_gate",
                                                               lang=lang), lambda lang: {}),
    "saturation": (lambda lang: view_figures.saturation_figure(saturations(), lang=lang),
                   lambda lang: {f"y{'' if k == 1 else k}": t("compare_cells.right_axis", lang=lang, high=0.9)
                                 for k in (1, 2, 3, 4, 5)}),
    "gradients": (lambda lang: view_figures.gradient_figure([("RNN", RNG.uniform(0, 1, 5), RNG.uniform(0, 1, 5))], TOKENS,
                                                            lang=lang),
                  lambda lang: {"y": t("gradients.norm_axis", lang=lang)}),
    "pytorch shapes": (shapes, lambda lang: {"y": t("pytorch_shapes.axis_position", lang=lang)}),
    "io shapes: next token": (
        lambda lang: view_figures.next_token_figure(["<", "a", "b"], RNG.uniform(0, 1, 2).astype(np.float32), ["a", "b", "c"],
                                                    RNG.uniform(0, 1, 3).astype(np.float32), lang=lang),
        lambda lang: {"y": t("io_shapes.lm_y_axis", lang=lang)}),
    "io shapes: context": (lambda lang: view_figures.context_figure(RNG.uniform(-1, 1, 6), lang=lang), lambda lang: {}),
    "io shapes: decoder": (lambda lang: view_figures.decoder_figure(RNG.dirichlet(np.ones(3), 2), ["a", "b", "c"], ["a", "b"],
                                                                    lang=lang), lambda lang: {}),
    "io shapes: diagram": (lambda lang: io_diagrams.figure(io_diagrams.diagram("N→N", 4), inputs=TOKENS[:4]), lambda lang: {}),
    "step through: chain": (lambda lang: diagram.chain_figure(TOKENS, [RNG.uniform(-1, 1, 5)], step=2, lang=lang),
                            lambda lang: {}),
    "step through: vectors": (lambda lang: diagram.vector_bars_figure({"forget_gate": A[0], "hidden_state": B[0]}, unit=1,
                                                                      lang=lang), lambda lang: {}),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_chinese_y_titles_are_horizontal_annotations(name):
    build, expected = BUILDERS[name]
    spec = spec_of(build("zh"))
    figure(spec)  # valid Plotly: every key of the annotations checked
    assert rotated_cjk(spec) == []
    wanted = expected("zh")
    chinese = {axis: text for axis, text in wanted.items() if CJK.search(text)}
    notes = horizontal_titles(spec)
    assert {axis: note["text"] for axis, note in notes.items()} == {a: s.replace("<br>", " ") for a, s in chinese.items()}
    assert y_titles(spec) == {axis: text for axis, text in wanted.items() if axis not in chinese}  # Latin text stays
    english = spec_of(build("en"))
    assert horizontal_titles(english) == {} and y_titles(english) == expected("en")
    for axis, note in notes.items():  # above its own axis, at its left end (right end: a right-side axis)
        assert (note["yref"], note["y"], note["yanchor"], note["showarrow"]) == (f"{axis} domain", 1, "bottom", False)
        right = english["layout"]["yaxis" + axis[1:]].get("side") == "right"
        assert (note["x"], note["xanchor"]) == ((1, "right") if right else (0, "left"))
        assert note["xref"].endswith(" domain")
        assert note["font"] == english["layout"]["yaxis" + axis[1:]]["title"].get("font", {})  # the title's own font


def pixel_heights(spec: dict) -> dict[str, float]:
    """{y axis: its plot area's height in px} (height minus the top and bottom margins, times the domain)."""
    layout = spec["layout"]
    plot = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    return {k: round(plot * (v.get("domain") or [0, 1])[1] - plot * (v.get("domain") or [0, 1])[0], 3)
            for k, v in layout.items() if re.fullmatch(r"yaxis\d*", k) and not v.get("overlaying")}


@pytest.mark.parametrize("name", [n for n, (_, titles) in BUILDERS.items()
                                  if any(CJK.search(text) for text in titles("zh").values())])
def test_room_is_made_above_each_moved_title(name):
    """The plot areas keep their pixel heights; the top margin and the gap above a lower panel grow by at
    least one line of lesson-mode text (the strip the title sits in)."""
    build, _ = BUILDERS[name]
    zh, en = spec_of(build("zh")), spec_of(build("en"))
    notes = horizontal_titles(zh)
    assert notes
    assert pixel_heights(zh) == pytest.approx(pixel_heights(en), abs=0.05)
    strip = max(axis_titles.room_px(note["font"].get("size") or 12) for note in notes.values())
    assert strip >= 16 * 4 / 3 * 1.3 + axis_titles.GAP_PX  # a line at 16 px (Learn, lesson mode) × 4/3 fits
    assert zh["layout"]["margin"]["t"] >= en["layout"]["margin"]["t"] + strip
    for axis in notes:
        key = "yaxis" + axis[1:]
        if key in domains(en) and domains(en)[key][1] < 1 - 1e-9:  # a lower panel: the gap to the panel above grew by the strip
            assert gap_above(zh, key) == pytest.approx(gap_above(en, key) + strip, abs=0.5)


def domains(spec: dict) -> dict[str, tuple[float, float]]:
    return {k: tuple(v.get("domain") or (0, 1)) for k, v in spec["layout"].items()
            if re.fullmatch(r"yaxis\d*", k) and not v.get("overlaying")}


def gap_above(spec: dict, key: str) -> float:
    """Pixels between the top of axis ``key``'s domain and the bottom of the nearest panel above it."""
    layout, spans = spec["layout"], domains(spec)
    plot = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    top = spans[key][1]
    return (min(lo for k, (lo, _) in spans.items() if k != key and lo >= top - 1e-9) - top) * plot


def test_a_legend_above_the_plot_moves_to_the_top_edge_above_the_strip():
    zh = spec_of(BUILDERS["ablation: classifier"][0]("zh"))["layout"]
    assert (zh["legend"]["yref"], zh["legend"]["y"], zh["legend"]["yanchor"]) == ("container", 1, "top")
    assert zh["margin"]["t"] >= axis_titles.room_px(12) + 16 * 1.3  # a legend row and the strip
    en = spec_of(BUILDERS["ablation: classifier"][0]("en"))["layout"]
    assert en["legend"].get("yref") is None and en["legend"]["y"] == 1.15  # English as it was


def test_latin_titles_and_layouts_without_cjk_are_left_alone():
    layout = {"yaxis": {"title": {"text": "‖h_A − h_B‖"}}, "height": 300, "margin": {"t": 10, "b": 10},
              "legend": {"y": 1.2}, "annotations": [{"text": "a", "yref": "paper", "y": 1}]}
    assert axis_titles.horizontal(copy.deepcopy(layout)) == layout
    assert axis_titles.colour_bar_side("P(positive)") == "right" and axis_titles.colour_bar_side("P(正面)") == "top"


@pytest.fixture(scope="module")
def lessons():
    return {c.number: chapters.chapter(c.number).lesson() for c in chapters.CHAPTERS}


# The Learn page's chapters (each built from a full view's builder): their horizontal Chinese titles.
CHAPTER_TITLES = {3: {"y": "gradients.norm_axis"}, 4: {"y": "figures.unit"}, 6: {"y": "quantities.cell_state"},
                  7: {"y": "figures.unit"}, 8: {"y": "pytorch_shapes.axis_position"}, 9: {"y": "pytorch_shapes.axis_position"}}


@pytest.mark.parametrize("revealed", [False, True])
@pytest.mark.parametrize("number", [c.number for c in chapters.CHAPTERS])
def test_learn_chapters_draw_no_chinese_on_its_side(lessons, number, revealed):
    spec = learn.chapter_figure(lessons[number], revealed, lang="zh").to_dict()
    assert rotated_cjk(spec) == []
    notes = {axis: note["text"] for axis, note in horizontal_titles(spec).items()}
    assert notes == {axis: t(key, lang="zh") for axis, key in CHAPTER_TITLES.get(number, {}).items()}
