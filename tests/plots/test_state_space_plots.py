"""The State space builders: finished figure dicts that Plotly validates (``go.Figure(spec)``), escaped tokens, titled colour bars, text ≥ 12 px,
the unit circle of radius 1, the half-life curve where it was fitted."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnviz.plots import state_space as plots
from tests.app.spec import decode
from tests.plots.figure import decoded


def fonts(spec) -> list[float]:
    """Every font size set anywhere in a figure dict."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("font", "tickfont", "textfont") and isinstance(value, dict) and "size" in value:
                found.append(value["size"])
            found += fonts(value)
    elif isinstance(spec, list):
        for value in spec:
            found += fonts(value)
    return found


@pytest.mark.parametrize("dims", [2, 3])
def test_trajectory_figure(dims):
    rng = np.random.default_rng(0)
    tokens = ["a", "<b>", "film"]
    spread = np.array([[0.0, 0.0, 0.0], [2.0, 0.0, 1.0], [4.0, 0.0, 2.0]])  # room for every label
    fig = plots.trajectory_figure(
        [plots.Path(spread, tokens, np.array([0.1, 0.5, 0.9]), "A"),
         plots.Path(spread + [0.0, 2.0, 0.0], tokens, np.array([0.2, 0.4, 0.6]), "B", plots.COLOUR_B, "dash",
                    label_from=1)],
        axis_titles=["PC1", "PC2", "PC3"], colour=plots.Colour("P(positive)", 0, 1), cloud=rng.standard_normal((9, 3)),
        cloud_name="cloud", fixed=rng.standard_normal((2, 3)), fixed_values=np.array([0.05, 0.95]),
        fixed_stable=np.array([True, False]), fixed_name="fixed point", selected_fixed=1, step=2, dims=dims,
        title="t", value_label="P")
    spec = go.Figure(fig).to_dict()  # validates every property
    a, b = spec["data"][1], spec["data"][2]
    assert list(a["text"]) == ["a", "&lt;b&gt;", "film"] and list(b["text"]) == ["", "&lt;b&gt;", "film"]
    assert list(b["hovertext"]) == ["a", "&lt;b&gt;", "film"]
    assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"] == "P(positive)"
    assert spec["data"][3]["marker"]["symbol"][0] == "diamond" and spec["data"][3]["marker"]["symbol"][1] != "diamond"
    assert len(spec["data"]) == 6  # cloud, A, B, fixed points, two rings (step, selected fixed point)
    assert all(d["type"] == ("scatter3d" if dims == 3 else "scatter") for d in spec["data"])
    assert min(fonts(spec)) >= 12


def test_no_colour_without_readout():
    fig = plots.trajectory_figure([plots.Path(np.zeros((2, 2)), ["x", "y"], None, "A")], axis_titles=["1", "2"],
                                  colour=None)
    assert "coloraxis" not in go.Figure(fig).to_dict()["layout"] or not fig["layout"]["coloraxis"]


def test_eigenvalues_against_the_unit_circle():
    lam = np.array([0.999, 0.5 + 0.5j, 0.5 - 0.5j, 1.2])
    fig = plots.eigenvalue_figure(lam, title="e", real_title="Re", imag_title="Im", circle_name="|λ|=1", tau_label="τ")
    circle, points = go.Figure(fig).to_dict()["data"]  # validates every property
    assert np.allclose(np.hypot(decode(circle["x"]), decode(circle["y"])), 1, atol=1e-6)
    assert np.allclose(decode(points["x"]), lam.real) and np.allclose(decode(points["y"]), lam.imag)
    tau = decode(points["customdata"])[:, 1]
    assert np.isclose(tau[0], 1 / abs(np.log(0.999)), rtol=1e-5)
    assert min(fonts(fig)) >= 12


def test_distance_and_patch_figures():
    fig = plots.distance_figure(["the", "<i>x</i>"], np.array([0.0, 1.0]), fit_positions=np.array([1]),
                                fit_curve=np.array([0.9]), title="d", y_title="y", x_title="x", data_name="d",
                                fit_name="fit")
    fig = go.Figure(fig)  # validates every property
    assert list(fig.layout.xaxis.ticktext) == ["the", "&lt;i&gt;x&lt;/i&gt;"] and fig.data[1].name == "fit"
    fig = plots.patch_figure(["a", "b", "c"], np.array([0.2, 0.2, 0.8]), value_a=0.2, value_b=0.8, selected=2,
                             title="p", y_title="P", x_title="x", name_a="A", name_b="B", name_patched="patched")
    fig = go.Figure(fig)  # validates every property
    assert [d.name for d in fig.data[:3]] == ["patched", "A", "B"] and fig.data[3].x == (2,)
    assert min(fonts(fig.to_dict())) >= 12


def label_boxes(spec, font=13 * plots.LESSON_SCALE, height=440):
    """(x0, x1, y0, y1) in px of every printed token label, as ``printed_labels`` estimates them."""
    spec = decoded(spec)
    paths = [d for d in spec["data"] if d.get("mode") == "lines+markers+text"]
    points = np.concatenate([np.column_stack([d["x"], d["y"]]) for d in spec["data"]])
    lo, hi = points.min(axis=0), points.max(axis=0)
    scale = np.array([plots.PLOT_WIDTH_PX, height - plots.MARGINS_PX]) / (hi - lo)
    boxes = []
    for d in paths:
        for x, y, text in zip(d["x"], d["y"], d["text"]):
            if text:
                cx, cy = (np.array([x, y]) - lo) * scale
                half = 0.5 * plots.GLYPH_EM * font * len(text.replace("&lt;", "<").replace("&gt;", ">"))
                boxes.append((cx - half, cx + half, cy, cy + plots.LINE_EM * font))
    return boxes


def test_crowded_trajectories_print_labels_that_do_not_overlap():
    """Two sentences that share words run close together (the page's default pair): only labels with
    room are printed, the word where B leaves A always; the hover still names every point."""
    rng = np.random.default_rng(1)
    tokens = "the film was good and the music was fine".split()
    start = rng.standard_normal((9, 2)) * 0.05  # nine points in a small clump, and the same path shifted a hair
    other = tokens[:3] + ["not"] + tokens[3:]  # B leaves A at "not": that label is printed first
    paths = [plots.Path(start, tokens, None, "A"),
             plots.Path(np.vstack([start[:3], start[3:4] + 0.02, start[3:] + 0.01]), other, None, "B", plots.COLOUR_B,
                        label_from=3)]
    fig = plots.trajectory_figure(paths, axis_titles=["PC1", "PC2"], colour=None, cloud=rng.standard_normal((50, 2)) * 3)
    spec = go.Figure(fig).to_dict()
    a, b = spec["data"][1], spec["data"][2]
    assert b["text"][3] == "not"  # the word the pair is about wins the crowded spot
    assert list(a["hovertext"]) == tokens and list(b["hovertext"]) == other
    printed = [text for d in (a, b) for text in d["text"] if text]
    assert 1 <= len(printed) < 16  # some, not all: the clump has no room for 16 labels
    boxes = label_boxes(spec)
    for i, (x0, x1, y0, y1) in enumerate(boxes):
        for u0, u1, v0, v1 in boxes[i + 1:]:
            assert x1 <= u0 + 1e-6 or u1 <= x0 + 1e-6 or y1 <= v0 + 1e-6 or v1 <= y0 + 1e-6


def test_labels_with_room_are_all_printed_and_3d_prints_every_label():
    tokens = ["a", "b", "c"]
    spread = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 1.0], [20.0, 10.0, 2.0]])
    for dims in (2, 3):
        fig = plots.trajectory_figure([plots.Path(spread, tokens, None, "A", label_from=1)],
                                      axis_titles=["1", "2", "3"], colour=None, dims=dims)
        assert list(go.Figure(fig).to_dict()["data"][0]["text"]) == ["", "b", "c"]
