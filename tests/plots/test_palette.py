"""Projector legibility in the figures themselves (issue 12): no chart text under 12 px, lesson mode
4/3 larger without touching the original, every colour bar titled with its meaning in both languages."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from rnnviz import models
from rnnviz.plots import heatmaps, palette


def font_sizes(node, key=None):
    """Every explicit font size in a figure dict."""
    if isinstance(node, dict):
        if key in palette._FONT_KEYS and isinstance(node.get("size"), (int, float)):
            yield node["size"]
        for k, v in node.items():
            yield from font_sizes(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from font_sizes(v, key)


def test_every_named_font_size_is_at_least_12_px():
    sizes = {name: value for name, value in vars(palette).items() if name.startswith("FONT_")}
    assert min(sizes.values()) >= 12, sizes
    assert min(sizes.values()) * palette.LESSON_SCALE >= 16


@pytest.fixture(scope="module")
def specs():
    model = models.random_model("LSTM", hidden_size=8, seed=0)
    tokens = ["the", "film", "was", "not", "good"]
    tr = model.trace(tokens)
    return [spec for row in heatmaps.layer_specs(tr.get, tr.quantities, tokens, num_layers=1, num_directions=1,
                                                   step=3, unit=2, lang="zh") for _, spec in row]


def test_heatmaps_have_no_text_under_12_px_and_titled_colour_bars(specs):
    for spec in specs:
        assert min(font_sizes(spec)) >= 12
        title = spec["layout"]["coloraxis"]["colorbar"]["title"]
        assert title["side"] == "top" and title["text"] in ("黄 = 打开<br>深 = 关闭", "红 > 0<br>蓝 < 0")


def test_lesson_mode_enlarges_a_copy(specs):
    spec = specs[0]
    before = copy.deepcopy(spec)
    big = palette.enlarged(spec)
    assert spec == before  # the (possibly cached) original is untouched
    got = list(font_sizes(big))
    for size in font_sizes(spec):  # every size of the original, × 4/3 (plus defaults for unsized text)
        got.remove(next(g for g in got if abs(g - size * palette.LESSON_SCALE) < 0.06))
    assert min(font_sizes(big)) >= 16
    assert all(big["layout"][a]["tickfont"]["size"] >= 16 for a in big["layout"] if a[1:5] == "axis")
    assert big["data"][0]["z"]["bdata"] is spec["data"][0]["z"]["bdata"]  # the values are shared, not copied


def test_colorbar_says_what_the_colours_mean():
    assert palette.colorbar(True, "en")["title"]["text"] == "yellow = open<br>dark = closed"
    assert palette.colorbar(False, "en", len=0.9)["len"] == 0.9
    assert np.isclose(palette.LESSON_SCALE * palette.FONT_COLORBAR, 16)


def test_value_colours_match_plotly_and_their_ink_is_the_better_contrast():
    """The numpy colour pass (a colour per character of a highlighted text) against Plotly's own
    sample_colorscale, and each ink against ``ink(fill)`` computed from the string."""
    import plotly.colors

    values = list(np.random.default_rng(0).uniform(-3, 3, 500)) + [float("nan"), float("inf"), -1.0, 0.0, 1.0]
    for name, zrange in (("forget_gate", (0.0, 1.0)), ("hidden_state", (-1.5, 1.5)), ("cell_state", (-2.0, 2.0))):
        inked = palette.value_colours_inked(name, values, zrange)
        assert [fill for fill, _ in inked] == palette.value_colours(name, values, zrange)
        lo, hi = zrange
        for value, (fill, ink) in zip(values, inked):
            assert ink == palette.ink(fill) and palette.contrast(ink, fill) >= 4.5
            if not np.isfinite(value):
                assert fill == palette.NO_VALUE
                continue
            assert fill == palette.value_colour(name, value, zrange)
            plotly_fill = plotly.colors.sample_colorscale(palette.scale_for(name), [min(1, max(0, (value - lo) / (hi - lo)))],
                                                          colortype="rgb")[0]
            ours, theirs = (np.array(plotly.colors.unlabel_rgb(c), dtype=float) for c in (fill, plotly_fill))
            assert np.abs(ours - theirs).max() <= 0.5  # Plotly rounds its channels to whole numbers
