"""ONE palette for every figure: colour scales, cell colours, focus / outline colours, font sizes.

Colour scales follow a quantity's kind (``rnnviz.quantities``): sequential Viridis for sigmoid gates
(0 = dark, closed; 1 = yellow, open), diverging ColorBrewer RdBu for signed quantities (blue < 0 <
red, white at 0). Both are colour-blind safe. Lines and markers use the Okabe–Ito palette, one fixed
colour per cell kind on every page (Okabe & Ito, "Color Universal Design", 2008).

Font sizes are named by role so the projector sizes can be raised in one place (the quality bar:
chart text ≥ 12 px, ≥ 16 px in lesson mode).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import plotly.colors

from rnnviz import quantities
from rnnviz.i18n import t


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
FOCUS_INK = "#b34700"  # the same orange, darker, for text on white: 5.5:1 (FOCUS itself is 3.7:1)
OUTLINE = "#000000"  # step / unit outline on a light page; pages pass "#ffffff" on a dark one
NO_VALUE = "rgb(204, 204, 204)"  # a cell without a value (not traced, nan): neutral grey
INK_DARK, INK_LIGHT = "#000000", "#ffffff"  # text on light / dark fills: one of them is ≥ 4.5:1 on any fill
HOVER = dict(bgcolor="white", bordercolor="#555555")
# One colour per cell kind, the same on every page (Okabe–Ito).
CELL_COLOURS = {"RNN": "#D55E00", "LSTM": "#0072B2", "Bi-LSTM": "#56B4E9", "GRU": "#009E73",
                "Bi-GRU": "#8FD16F"}
SLICE_COLOURS = ("#000000", "#CC79A7")  # forward, backward
ORIGINAL, FORCED = "#7f7f7f", "#d95f02"  # ablation: the untouched run, the forced one

# ----------------------------------------------------------------------------- font sizes (px)
# Nothing below 12 px: the smallest text must still read at the back of a classroom (issue 12).
FONT_DENSE_TICK = 12  # tick labels when many tokens share the axis (builders thin the ticks instead)
FONT_SMALL = 12       # small multiples' tick labels
FONT_COLORBAR = 12    # colour bar ticks and titles
FONT_TICK = 12        # axis ticks and axis titles of the heatmaps and views
FONT_AXIS = 13        # axis titles, token ticks
FONT_LEGEND = 14      # legends and hover labels
FONT_LABEL = 15       # diagram labels, panel titles, category ticks
FONT_TITLE = 16       # figure and strip titles
FONT_HEADING = 17     # the cell diagram's heading
FONT_BIG = 26         # a single big value (a translation, an ellipsis in a diagram)
FONT_DEFAULT = 12     # text a builder leaves unsized (Plotly's default)
LESSON_SCALE = 4 / 3  # lesson mode (a projector): every chart text × 4/3, so 12 px -> 16 px


def colorbar(sequential: bool, lang: str | None = None, **extra) -> dict:
    """A colour bar titled with what its colours mean ("yellow = open / dark = closed" for σ gates,
    "red > 0 / blue < 0" for signed quantities), horizontal title (never rotated CJK)."""
    key = "figures.colorbar_gate" if sequential else "figures.colorbar_signed"
    return dict(title=dict(text=t(key, lang=lang), side="top", font=dict(size=FONT_COLORBAR)),
                thickness=10, outlinewidth=0, tickfont=dict(size=FONT_COLORBAR),
                ticklabelposition="outside bottom") | extra


_FONT_KEYS = ("font", "tickfont", "textfont", "insidetextfont", "outsidetextfont", "titlefont")


def enlarged(spec, factor: float = LESSON_SCALE):
    """A copy of a figure dict with every font size × ``factor`` (lesson mode). Unsized layout text
    gets ``FONT_DEFAULT × factor``. Only dicts and lists of dicts are copied; arrays are shared."""
    def walk(node, key=None):
        if isinstance(node, dict):
            out = {k: walk(v, k) for k, v in node.items()}
            if key in _FONT_KEYS and isinstance(out.get("size"), (int, float)):
                out["size"] = round(out["size"] * factor, 1)
            return out
        if isinstance(node, list) and node and isinstance(node[0], dict):
            return [walk(v, key) for v in node]
        return node

    out = walk(spec)
    layout = out.setdefault("layout", {})
    default = round(FONT_DEFAULT * factor, 1)
    layout["font"] = {"size": default} | dict(layout.get("font") or {})
    # Streamlit's theme sizes axis ticks and legends itself: give them explicit sizes
    legend = layout["legend"] = dict(layout.get("legend") or {})
    legend["font"] = {"size": default} | dict(legend.get("font") or {})
    for key in [k for k in layout if k.rstrip("0123456789") in ("xaxis", "yaxis")]:
        axis = layout[key] = dict(layout[key] or {})
        axis["tickfont"] = {"size": default} | dict(axis.get("tickfont") or {})
    for holder in [layout.get("coloraxis") or {}] + [t for t in out.get("data", []) if isinstance(t, dict)]:
        if isinstance(holder.get("colorbar"), dict):
            holder["colorbar"]["tickfont"] = {"size": default} | dict(holder["colorbar"].get("tickfont") or {})
    return out


def value_colour(name: str, value: float, zrange: tuple[float, float]) -> str:
    """The heatmap colour ("rgb(r, g, b)") of ``value`` for quantity ``name`` on ``zrange``."""
    return value_colours(name, [value], zrange)[0]


@functools.cache
def _stops(scale_name: str) -> tuple[np.ndarray, np.ndarray]:
    """A colour scale as its stop positions (K,) and their RGB channels (K, 3)."""
    scale = SCALES[scale_name]
    rgb = [[int(c[k:k + 2], 16) for k in (1, 3, 5)] for _, c in scale]
    return np.array([float(p) for p, _ in scale]), np.array(rgb, dtype=np.float64)


def _rgb(name: str, values, zrange: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(T, 3) RGB channels of each value on the scale (linear between stops, as Plotly draws a
    heatmap), and which values have a colour (finite, on a non-empty range)."""
    lo, hi = zrange
    v = np.asarray(values, dtype=np.float64).reshape(-1)                  # (T,)
    shown = np.isfinite(v) & (hi > lo)
    pos = np.clip((np.where(shown, v, lo) - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
    stops, rgb = _stops("sequential" if scale_for(name) is GATE_SCALE else "diverging")
    return np.stack([np.interp(pos, stops, rgb[:, c]) for c in range(3)], axis=1), shown


def value_colours(name: str, values, zrange: tuple[float, float]) -> list[str]:
    """``value_colour`` of each value, in one numpy pass (a highlighted text has a colour per
    character: Plotly's ``sample_colorscale`` took ~15 µs each)."""
    return _labels(*_rgb(name, values, zrange))


def _labels(rgb: np.ndarray, shown: np.ndarray) -> list[str]:
    return [f"rgb({float(r)}, {float(g)}, {float(b)})" if ok else NO_VALUE
            for (r, g, b), ok in zip(rgb.tolist(), shown.tolist())]


def value_colours_inked(name: str, values, zrange: tuple[float, float]) -> list[tuple[str, str]]:
    """(fill, ink) of each value: ``value_colours`` and, for each, ``ink(fill)`` computed on the
    channels (not by parsing the strings back)."""
    rgb, shown = _rgb(name, values, zrange)
    fills = _labels(rgb, shown)
    channel = rgb / 255.0
    linear = np.where(channel <= 0.03928, channel / 12.92, ((channel + 0.055) / 1.055) ** 2.4)
    lum = linear @ np.array([0.2126, 0.7152, 0.0722])                     # (T,)
    lum = np.where(shown, lum, luminance(NO_VALUE))
    # contrast with black (L = 0) against contrast with white (L = 1), as ``ink`` compares them
    dark = (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05)
    return [(fill, INK_DARK if d else INK_LIGHT) for fill, d in zip(fills, dark.tolist())]


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "rgb(r, g, b)" or "#rrggbb"."""
    if colour.startswith("#"):
        channels = [int(colour[k:k + 2], 16) for k in (1, 3, 5)]
    else:
        channels = [float(v) for v in colour[colour.index("(") + 1:-1].split(",")[:3]]
    linear = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21; text needs ≥ 4.5)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink(fill: str) -> str:
    """Black or white text, whichever contrasts more with ``fill`` ("rgb(r, g, b)" or "#rrggbb").
    By WCAG luminance, so the better of the two is always ≥ 4.5:1 (the worst fill gives ~4.6)."""
    return INK_DARK if contrast(INK_DARK, fill) >= contrast(INK_LIGHT, fill) else INK_LIGHT
