"""Chinese y-axis titles laid horizontally: Plotly draws every y-axis title (and a colour bar's title
on its right side) rotated 90°, which turns CJK text on its side — typographically wrong (issue 12).
Plotly cannot lay an axis title horizontally, so a title whose text contains CJK becomes an
annotation above its axis instead:

    x = 0 of the anchoring x axis's domain (x = 1 for a right-side axis), xanchor = "left" ("right"),
    y = 1 of the axis's own domain, yanchor = "bottom", yshift = GAP_PX,

with the title's font, and a strip of ``room_px`` pixels is opened above that axis's domain so the
annotation meets nothing: the plot areas keep their pixel sizes, and everything above the strip
(the figure's top margin content, subplot titles, legends, the panels higher up in a stacked grid)
moves up by ``room_px``. In paper coordinates, with P the plot area's height before and
P' = P + room_px · (number of strips below the top) after, a vertical position y (a fraction of P)
becomes

    y' = (y · P + room_px · #{strips at d < y, or at d = y unless y is that panel's own top edge}) / P',

and the figure grows by room_px per strip (the top strip widens the top margin). A legend above the
plot area is pinned to the figure's top edge (container coordinates) with the strip below it: in paper
coordinates Plotly would widen the top margin for it on its own (automargin), shrinking the plot area
under every position computed here. ``room_px`` is one
line of the largest moved title at its largest (raised to FLOOR_PX as the Learn page does, then
× rnnviz.plots.palette.LESSON_SCALE): lesson mode enlarges fonts, not margins, so one figure serves
every mode. Colour-bar titles with CJK text
are put on top of their bar (:func:`colour_bar_side`: horizontal) instead of the rotated right side.

English titles are left as Plotly draws them (rotated Latin text is the usual convention).
Every builder in ``rnnviz.plots`` that titles a y axis passes its finished layout through
:func:`horizontal` (or a ``go.Figure`` through :func:`horizontal_figure`).
"""

from __future__ import annotations

import math
import re

from rnnviz.plots.palette import FONT_DEFAULT, LESSON_SCALE

# CJK punctuation, kana, CJK ideographs (with extension A, compatibility ideographs), full-width forms
CJK = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
GAP_PX = 4        # between the plot area's top edge and the title's baseline box
LINE_EM = 1.5     # a line of text, in ems (the text box of a CJK line, with Plotly's padding)
LEGEND_PAD_PX = 10  # a horizontal legend's padding above and below its row
# The smallest font a strip is sized for: the Learn page raises every chart font to 16 px in lesson
# mode before lesson mode's 4/3 (rnnviz.plots.learn.legible), after the builders made their room.
FLOOR_PX = 16
NAME = "y-title:"  # annotation name prefix: "y-title:y2" is the title of axis y2
EPS = 1e-6


def has_cjk(text) -> bool:
    """Whether ``text`` (any value; only strings count) contains a CJK character."""
    return isinstance(text, str) and bool(CJK.search(text))


def colour_bar_side(text) -> str:
    """Where a colour bar's title goes: on top (horizontal) for CJK text, else on its right side."""
    return "top" if has_cjk(text) else "right"


def title_text(holder: dict) -> str | None:
    """The text of ``holder["title"]`` (a dict with "text", or a plain string), None without one."""
    title = holder.get("title")
    return title.get("text") if isinstance(title, dict) else title if isinstance(title, str) else None


def line_px(size: float) -> int:
    """Pixels of one line of text of font ``size`` at its largest: raised to FLOOR_PX, then × 4/3."""
    return math.ceil(max(size, FLOOR_PX) * LESSON_SCALE * LINE_EM)


def room_px(size: float) -> int:
    """Pixels of the strip above an axis for a one-line title of font ``size``."""
    return line_px(size) + GAP_PX


def _y_axes(layout: dict) -> list[str]:
    return sorted((k for k in layout if re.fullmatch(r"yaxis\d*", k) and isinstance(layout[k], dict)),
                  key=lambda k: int(k[5:] or 1))


def _axis_id(key: str) -> str:
    return key[0] + key[5:]  # "yaxis2" -> "y2"


def _anchor_x(layout: dict, key: str) -> str:
    """The x axis a y axis stands on: its ``anchor``, else the x axis anchored to it, else "x"."""
    axis, y_id = layout[key], _axis_id(key)
    if str(axis.get("anchor", "")).startswith("x"):
        return axis["anchor"]
    for k in layout:
        if re.fullmatch(r"xaxis\d*", k) and isinstance(layout[k], dict) and layout[k].get("anchor") == y_id:
            return _axis_id(k)
    return "x"


def _domain(layout: dict, key: str) -> list[float]:
    axis = layout[key]
    if axis.get("overlaying"):  # an overlaying axis shares the domain of the axis it overlays
        return _domain(layout, "yaxis" + axis["overlaying"][1:])
    return list(axis.get("domain") or [0.0, 1.0])


def _font_size(layout: dict, font: dict) -> float:
    return float(font.get("size") or (layout.get("font") or {}).get("size") or FONT_DEFAULT)


def horizontal(layout: dict) -> dict:
    """Every y-axis title of ``layout`` whose text contains CJK moved to a horizontal annotation above
    its axis, and room made for it (the module docstring).
    Changes ``layout`` in place and returns it; a layout without CJK titles is left as it is."""
    notes, tops, px = [], set(), 0
    for key in _y_axes(layout):
        axis, text = layout[key], title_text(layout[key])
        if not has_cjk(text):
            continue
        title = axis.pop("title")
        font = dict(title.get("font") or {}) if isinstance(title, dict) else {}
        right = axis.get("side") == "right"
        y_id = _axis_id(key)
        notes.append(dict(text=" ".join(text.split("<br>")), name=NAME + y_id, showarrow=False,
                          xref=f"{_anchor_x(layout, key)} domain", yref=f"{y_id} domain",
                          x=1 if right else 0, xanchor="right" if right else "left",
                          y=1, yanchor="bottom", yshift=GAP_PX, font=font))
        tops.add(round(_domain(layout, key)[1], 6))
        px = max(px, room_px(_font_size(layout, font)))
    if notes:
        _open_strips(layout, sorted(tops), px)
        layout["annotations"] = list(layout.get("annotations") or []) + notes
    return layout


def horizontal_figure(fig):
    """:func:`horizontal` for a ``plotly.graph_objects.Figure`` (a new Figure, same traces)."""
    import plotly.graph_objects as go

    spec = fig.to_dict()
    horizontal(spec["layout"])
    return go.Figure(spec)


def _legend_px(layout: dict) -> int:
    """A one-row legend's height at lesson mode's size (its font's line and Plotly's padding)."""
    size = ((layout.get("legend") or {}).get("font") or {}).get("size")
    return line_px(float(size or (layout.get("font") or {}).get("size") or FONT_DEFAULT)) + LEGEND_PAD_PX


def _open_strips(layout: dict, tops: list[float], px: int) -> None:
    """Open ``px`` pixels above each domain top in ``tops`` (fractions of the plot area's height)."""
    margin = layout.setdefault("margin", {})
    top_margin = margin.get("t", 100)
    height = layout.get("height")
    at_top = any(d >= 1 - EPS for d in tops)
    legend = layout.get("legend")
    above = (at_top and isinstance(legend, dict) and legend.get("yref", "paper") == "paper"
             and isinstance(legend.get("y"), (int, float)) and legend["y"] >= 1)
    if above:
        # A legend above the plot area goes to the figure's top edge, the strip below it. Left in paper
        # coordinates it would make Plotly widen the top margin itself (automargin) and shrink the plot
        # area, which moves every paper position this function computes.
        legend.update(yref="container", y=1, yanchor="top")
        margin["t"] = max(top_margin, _legend_px(layout)) + px
    elif at_top:
        margin["t"] = top_margin + px
    if height is None:  # no pixel size known: only the top margin grows (the plot area shrinks)
        return
    interior = [d for d in tops if d < 1 - EPS]
    plot = height - top_margin - margin.get("b", 80)
    grown = plot + px * len(interior)

    def moved(y: float, top_edge: bool = False) -> float:
        shift = sum(px for d in tops if d < y - EPS or (abs(d - y) <= EPS and not top_edge))
        return round((y * plot + shift) / grown, 6)

    layout["height"] = height + (margin["t"] - top_margin) + px * len(interior)
    if interior:
        for key in _y_axes(layout):
            if "domain" in layout[key]:
                lo, hi = layout[key]["domain"]
                layout[key]["domain"] = [moved(lo), moved(hi, top_edge=True)]
    for note in layout.get("annotations") or []:
        if note.get("yref") == "paper" and isinstance(note.get("y"), (int, float)):
            note["y"] = moved(note["y"])
    for shape in layout.get("shapes") or []:
        if shape.get("yref") == "paper":
            shape["y0"], shape["y1"] = moved(shape["y0"]), moved(shape["y1"])
    if isinstance(legend, dict) and not above and legend.get("yref", "paper") == "paper" and isinstance(legend.get("y"), (int, float)):
        legend["y"] = moved(legend["y"])
    title = layout.get("title")
    if isinstance(title, dict) and title.get("text"):
        if title.get("yref") == "paper" and isinstance(title.get("y"), (int, float)):
            title["y"] = moved(title["y"])
        elif isinstance(title.get("y"), (int, float)) or at_top:
            # in the top margin (container coordinates): it keeps its pixels from the top ("auto"
            # puts it in the middle of the top margin)
            from_top = (1 - title["y"]) * height if isinstance(title.get("y"), (int, float)) else top_margin / 2
            title["y"] = round(1 - from_top / layout["height"], 6)
            title.setdefault("yanchor", "middle")
