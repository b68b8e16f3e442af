"""rnnviz.plots.heatmaps as pure functions: what the heatmaps contain, how they are encoded, and that the
numbers in them are the trace's numbers (which tests/test_trace.py ties to torch)."""

from __future__ import annotations

import base64
import html
import json

import numpy as np
import plotly.io as pio
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnviz
from rnnviz.plots import heatmaps
from rnnviz.plots.heatmaps import display_token, heatmap_figure, layer_figures, value_range
from rnnviz.plots.tokens import MAX_TICK_CHARS, visible_token
from rnnviz.plots import palette

TOKENS = ["What", "time", "is", "it", "?"]


def decode_z(trace_json: dict) -> np.ndarray:
    """Plotly's JSON typed array {"dtype": "f4", "bdata": base64, "shape": "H, T"} -> numpy."""
    z = trace_json["z"]
    assert isinstance(z, dict) and z["dtype"] == "f4", "z must travel as base64 float32"
    flat = np.frombuffer(base64.b64decode(z["bdata"]), dtype="<f4")
    return flat.reshape([int(d) for d in str(z["shape"]).split(",")])


def spec(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


def rand(steps, units, lo=0.0, hi=1.0, seed=0):
    return np.random.default_rng(seed).uniform(lo, hi, (steps, units)).astype(np.float32)


def test_display_token_escapes_markup_and_shows_whitespace():
    assert display_token("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert display_token('<a href="javascript:alert(1)">').startswith('&lt;a␣href="')
    assert display_token('"quoted"') == '"quoted"'  # Plotly would print &quot; literally
    assert display_token(" ") == "␣" and display_token("\n") == "⏎"
    assert display_token("") == "∅"
    long = display_token("x" * 50)
    assert len(long) == MAX_TICK_CHARS and long.endswith("…")
    assert display_token("你好😀") == "你好😀"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=12))
def test_no_user_text_reaches_a_figure_unescaped(tokens):
    fig = heatmap_figure("forget_gate", [rand(len(tokens), 3)], tokens)
    for text in fig.layout.xaxis.ticktext:
        assert "<" not in text and ">" not in text  # no tag can open (quotes are inert without "<")
        assert html.unescape(text) == visible_token(tokens[fig.layout.xaxis.ticktext.index(text)])


def test_repeated_tokens_stay_separate_columns():
    tokens = ["the", "cat", "saw", "the", "the", "dog"]
    fig = heatmap_figure("hidden_state", [rand(6, 4, -1, 1)], tokens)
    assert list(fig.layout.xaxis.tickvals) == list(range(6))
    assert list(fig.layout.xaxis.ticktext) == tokens
    assert fig.layout.xaxis.tickmode == "array"
    assert list(fig.layout.xaxis.range) == [-0.5, 5.5]


def test_values_travel_as_base64_float32_within_budget():
    """float32 -> base64 in the JSON. Plotly escapes every '/' of the base64 text as \\u002f (six
    bytes), and float exponent bytes make '/' common, so the raw JSON is ~7 bytes/value; the
    websocket carries it deflate-compressed (server.enableWebsocketCompression), ~4.2 bytes/value."""
    import zlib

    steps, units = 40, 64
    values = rand(steps, units, -1, 1)
    fig = heatmap_figure("hidden_state", [values, values[::-1].copy()], [f"w{i}" for i in range(steps)])
    data = spec(fig)["data"]
    assert len(data) == 2
    np.testing.assert_array_equal(decode_z(data[0]), values.T)  # rows are units, columns time steps
    raw = pio.to_json(fig, validate=False).encode()
    n = 2 * steps * units
    assert len(raw) / n < 8.0, len(raw) / n  # a JSON list of decimals would be ~20
    assert len(zlib.compress(raw, 6)) / n <= 6.0


def test_colour_ranges_are_fixed_by_meaning():
    gate = heatmap_figure("input_gate", [rand(5, 4, 0.4, 0.6)], TOKENS)
    assert (gate.layout.coloraxis.cmin, gate.layout.coloraxis.cmax) == (0.0, 1.0)  # not the data's 0.4..0.6
    tanh = heatmap_figure("cell_candidate", [rand(5, 4, -0.1, 0.2)], TOKENS)
    assert (tanh.layout.coloraxis.cmin, tanh.layout.coloraxis.cmax) == (-1.0, 1.0)
    big = rand(5, 4, -0.5, 0.5)
    big[2, 1] = 2.34
    cell = heatmap_figure("cell_state", [big], TOKENS)
    assert cell.layout.coloraxis.cmin == -cell.layout.coloraxis.cmax and cell.layout.coloraxis.cmax >= 2.34
    assert value_range("cell_state", [np.zeros((3, 2), np.float32)]) == (-1.0, 1.0)
    assert value_range("hidden_state", [np.full((2, 2), 3.2, np.float32)]) == (-3.2, 3.2)  # relu / proj h
    # Sequential scale for gates, diverging (white at 0) for signed quantities; both colour-blind safe.
    assert gate.layout.coloraxis.colorscale[0][1] == "#440154"  # Viridis
    mid = dict((round(p, 2), c) for p, c in tanh.layout.coloraxis.colorscale)[0.5]
    assert mid == "#f7f7f7"


def test_bidirectional_panels_share_the_token_axis_and_are_labelled():
    fig = heatmap_figure("update_gate", [rand(5, 3), rand(5, 3, seed=1)], TOKENS, layer=1)
    assert [trace.type for trace in fig.data] == ["heatmap", "heatmap"]
    assert (fig.data[0].xaxis, fig.data[1].xaxis) == ("x", "x2")
    assert fig.layout.xaxis2.matches == "x"
    assert list(fig.layout.xaxis2.ticktext) == list(fig.layout.xaxis.ticktext) == TOKENS
    top, bottom = fig.layout.yaxis.domain, fig.layout.yaxis2.domain
    assert bottom[1] < top[0], "panels overlap"
    assert "forward" in fig.layout.yaxis.title.text and "backward" in fig.layout.yaxis2.title.text
    assert "layer 2" in fig.layout.title.text
    assert "forward" in fig.data[0].hovertemplate and "backward" in fig.data[1].hovertemplate


def test_hover_shows_token_position_unit_value():
    template = heatmap_figure("forget_gate", [rand(5, 3)], TOKENS).data[0].hovertemplate
    for part in ("%{x}", "%{x:d}", "%{y}", "%{z:.3f}"):
        assert part in template


def test_step_and_unit_outline_every_panel():
    fig = heatmap_figure("reset_gate", [rand(5, 4), rand(5, 4)], TOKENS, step=3, unit=2)
    shapes = fig.layout.shapes
    columns = [s for s in shapes if s.xref in ("x", "x2")]
    rows = [s for s in shapes if s.yref in ("y", "y2")]
    assert len(columns) == 2 and len(rows) == 2
    assert all((s.x0, s.x1) == (2.5, 3.5) for s in columns)
    assert all((s.y0, s.y1) == (1.5, 2.5) for s in rows)
    assert {s.line.color for s in shapes} == {palette.OUTLINE}
    dark = heatmap_figure("reset_gate", [rand(5, 4)], TOKENS, step=0, unit=0, outline="#ffffff")
    assert {s.line.color for s in dark.layout.shapes} == {"#ffffff"}
    assert not heatmap_figure("reset_gate", [rand(5, 4)], TOKENS).layout.shapes
    assert not heatmap_figure("reset_gate", [rand(5, 4)], TOKENS, step=9, unit=-1).layout.shapes


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="T=5"):
        heatmap_figure("forget_gate", [rand(4, 3)], TOKENS)
    with pytest.raises(ValueError):
        heatmap_figure("forget_gate", [], TOKENS)


@pytest.mark.parametrize("module, per_layer", [
    (torch.nn.RNN(6, 5, num_layers=2), 2),
    (torch.nn.LSTM(6, 5, num_layers=2, bidirectional=True), 6),
    (torch.nn.GRU(6, 5, bidirectional=True), 4),
])
def test_layer_figures_hold_exactly_the_trace(module, per_layer):
    torch.manual_seed(0)
    x = torch.randn(len(TOKENS), 6)
    tr = rnnviz.trace(module, x)
    grid = layer_figures(tr.get, tr.quantities, TOKENS, num_layers=tr.num_layers,
                         num_directions=tr.num_directions, step=1, unit=0)
    assert len(grid) == module.num_layers and all(len(row) == per_layer for row in grid)
    for layer, row in enumerate(grid):
        for name, fig in row:
            data = spec(fig)["data"]
            assert len(data) == tr.num_directions
            for d, trace_json in enumerate(data):
                np.testing.assert_array_equal(decode_z(trace_json), tr.get(name, layer, d).T)
    # and the top layer's hidden-state heatmaps are torch's own output, both directions
    out, _ = module(x)
    top = grid[-1][[n for n, _ in grid[-1]].index("hidden_state")][1]
    H = module.hidden_size
    for d, trace_json in enumerate(spec(top)["data"]):
        np.testing.assert_allclose(decode_z(trace_json).T, out[:, d * H:(d + 1) * H].detach().numpy(), atol=1e-5)


def test_unbounded_ranges_are_shared_across_layers():
    arrays = {("cell_state", 0, 0): np.full((5, 2), 0.5, np.float32), ("cell_state", 1, 0): np.full((5, 2), -4.0, np.float32)}
    grid = layer_figures(lambda n, l, d: arrays[(n, l, d)], ["cell_state"], TOKENS, num_layers=2, num_directions=1)
    ranges = {(fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) for row in grid for _, fig in row}
    assert ranges == {(-4.0, 4.0)}


def test_long_sentences_label_every_kth_token_but_hover_names_each():
    steps = 150
    tokens = [f"<t{i}>" for i in range(steps)]
    fig = heatmap_figure("forget_gate", [rand(steps, 3), rand(steps, 3, seed=2)], tokens)
    heat = [trace for trace in fig.data if trace.type == "heatmap"]
    assert [h.xaxis for h in heat] == ["x", "x2"]
    for axis in (fig.layout.xaxis, fig.layout.xaxis2):  # full escaped tick text: the hover reads it
        assert list(axis.ticktext) == [display_token(tok) for tok in tokens] and axis.showticklabels is False
    every = -(-steps // heatmaps.MAX_TICK_LABELS)
    for overlay, base in ((fig.layout.xaxis3, "x"), (fig.layout.xaxis4, "x2")):
        assert overlay.overlaying == base and overlay.matches == base
        assert list(overlay.tickvals) == list(range(0, steps, every))
        assert list(overlay.ticktext) == [display_token(tok) for tok in tokens[::every]]
    short = heatmap_figure("forget_gate", [rand(5, 3)], TOKENS)
    assert short.layout.xaxis.showticklabels and len(short.data) == 1


@pytest.mark.parametrize("steps, directions, step, unit", [(5, 1, 2, 1), (5, 2, None, None), (150, 2, 7, 0)])
def test_unvalidated_figures_are_valid_plotly(steps, directions, step, unit):
    """The builders write plain dicts and skip Plotly's per-property validation on every rerun
    (``heatmaps.as_figure``); here every key and value goes through the full validator once: a
    misspelt property or a bad value raises, and the validated figure sends the same JSON."""
    import plotly.graph_objects as go

    panels = [rand(steps, 4, -2, 2, seed=d) for d in range(directions)]
    tokens = [f"<i>{i}" for i in range(steps)]
    for name in ("forget_gate", "cell_state"):
        raw = heatmaps.heatmap_spec(name, panels, tokens, layer=1, step=step, unit=unit, outline="#ffffff")
        strict = go.Figure(raw)  # skip_invalid=False: raises ValueError on anything Plotly does not know
        fast = heatmap_figure(name, panels, tokens, layer=1, step=step, unit=unit, outline="#ffffff")
        assert json.loads(pio.to_json(strict)) == spec(fast)
        assert spec(fast)["data"][0]["z"]["dtype"] == "f4"  # still base64 float32 without the validator
    with pytest.raises(ValueError):  # the check above can fail: the validator rejects an unknown key
        go.Figure({"data": [], "layout": {"xaxis": {"tickvalz": [0]}}})


def test_layer_specs_are_the_figures_json_with_typed_arrays():
    """The Gate Explorer's fast path (finished dicts, z pre-encoded) sends exactly what the figures
    would: same JSON, z base64 float32 in plotly.js's typed-array form, equal to the trace."""
    torch.manual_seed(0)
    tr = rnnviz.trace(torch.nn.LSTM(6, 5, num_layers=2, bidirectional=True), torch.randn(len(TOKENS), 6))
    kwargs = dict(num_layers=tr.num_layers, num_directions=tr.num_directions, step=2, unit=1, outline="#ffffff")
    fast = heatmaps.layer_specs(tr.get, tr.quantities, TOKENS, **kwargs)
    slow = layer_figures(tr.get, tr.quantities, TOKENS, **kwargs)
    for layer, (fast_row, slow_row) in enumerate(zip(fast, slow)):
        for (name, ready), (same_name, fig) in zip(fast_row, slow_row):
            assert name == same_name
            sent = json.loads(pio.to_json(ready, validate=False))
            assert sent == spec(fig)
            for d, trace_json in enumerate(sent["data"]):
                np.testing.assert_array_equal(decode_z(trace_json), tr.get(name, layer, d).T)
    assert heatmaps.typed_array(np.arange(6, dtype=np.float32).reshape(2, 3))["shape"] == "2, 3"
