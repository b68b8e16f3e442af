"""ONE palette for every figure: colour scales, cell colours, focus / outline colours, font sizes.

Colour scales follow a quantity's kind (``rnnviz.quantities``): sequential Viridis for sigmoid gates
(0 = dark, closed; 1 = yellow, open), diverging ColorBrewer RdBu for signed quantities (blue < 0 <
red, white at 0). Both are colour-blind safe. Lines and markers use the Okabe–Ito palette, one fixed
colour per cell kind on every page (Okabe & Ito, "Color Universal Design", 2008).

Font sizes are named by role so the projector sizes can be raised in one place (the quality bar:
chart text ≥ 12 px, ≥ 16 px in lesson mode).
"""

from __future__ import annotations

import math

import plotly.colors

from rnnviz import quantities


def _hex_scale(colours: list[str], positions: list[float]) -> list[list]:
    """A Plotly colour scale with few stops written as hex: ~150 bytes per chart instead of ~430
    (Plotly interpolates linearly between stops; at this density the difference is invisible)."""
    def to_hex(colour: str) -> str:
        if colour.startswith("#"):
            return colour
        r, g, b = (round(float(v)) for v in plotly.colors.unlabel_rgb(colour))
        return f"#{r:02x}{g:02x}{b:02x}"

    return [[p, to_hex(c)] for p, c in zip(positions, colours)]


# ----------------------------------------------------------------------------- colour scales
GATE_SCALE = _hex_scale(plotly.colors.sample_colorscale("Viridis", [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
                        [0, 0.2, 0.4, 0.6, 0.8, 1.0])
_RDBU = plotly.colors.diverging.RdBu[::-1]  # 11 colours, blue first
DIVERGING_SCALE = _hex_scale([_RDBU[i] for i in (0, 2, 4, 5, 6, 8, 10)], [0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0])
SCALES = {"sequential": GATE_SCALE, "diverging": DIVERGING_SCALE}


def scale_for(name: str) -> list[list]:
    """The colour scale of quantity ``name`` (by its kind in rnnviz.quantities)."""
    return GATE_SCALE if quantities.KIND.get(name) == quantities.SIGMOID else DIVERGING_SCALE


# ----------------------------------------------------------------------------- named colours
FOCUS = "#d95f02"  # orange (ColorBrewer Dark2): the gate / unit in focus, everywhere on the page
OUTLINE = "#000000"  # step / unit outline on a light page; pages pass "#ffffff" on a dark one
NO_VALUE = "rgb(204, 204, 204)"  # a cell without a value (not traced, nan): neutral grey
INK_DARK, INK_LIGHT = "#111111", "#ffffff"  # text on light / dark fills
HOVER = dict(bgcolor="white", bordercolor="#555555")
# One colour per cell kind, the same on every page (Okabe–Ito).
CELL_COLOURS = {"RNN": "#D55E00", "LSTM": "#0072B2", "Bi-LSTM": "#56B4E9", "GRU": "#009E73",
                "Bi-GRU": "#8FD16F"}
SLICE_COLOURS = ("#000000", "#CC79A7")  # forward, backward
ORIGINAL, FORCED = "#7f7f7f", "#d95f02"  # ablation: the untouched run, the forced one

# ----------------------------------------------------------------------------- font sizes (px)
FONT_DENSE_TICK = 9   # tick labels when many tokens share the axis
FONT_SMALL = 10       # small multiples' tick labels
FONT_COLORBAR = 11    # colour bar ticks
FONT_TICK = 12        # axis ticks and axis titles of the heatmaps and views
FONT_AXIS = 13        # axis titles, token ticks
FONT_LEGEND = 14      # legends and hover labels
FONT_LABEL = 15       # diagram labels, panel titles, category ticks
FONT_TITLE = 16       # figure and strip titles
FONT_HEADING = 17     # the cell diagram's heading
FONT_BIG = 26         # a single big value (a translation, an ellipsis in a diagram)


def value_colour(name: str, value: float, zrange: tuple[float, float]) -> str:
    """The heatmap colour ("rgb(r, g, b)") of ``value`` for quantity ``name`` on ``zrange``."""
    lo, hi = zrange
    if not math.isfinite(value) or hi <= lo:
        return NO_VALUE
    pos = float(min(1.0, max(0.0, (value - lo) / (hi - lo))))
    return plotly.colors.sample_colorscale(scale_for(name), [pos], colortype="rgb")[0]


def ink(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill`` ("rgb(r, g, b)")."""
    r, g, b = (float(v) for v in fill[fill.index("(") + 1:-1].split(",")[:3])
    return INK_DARK if 0.299 * r + 0.587 * g + 0.114 * b > 140 else INK_LIGHT
