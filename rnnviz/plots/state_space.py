"""Plotly builders for the State space page: arrays and plain strings in, a finished figure dict out
(``rnnviz.plots.finished``: the JSON ``go.Figure.to_dict()`` would give, without building a Figure).

No streamlit, no torch, no translation here: the page passes every word (already translated) and
every number (from ``rnnviz.analysis``). Tokens are user text: each goes through
``rnnviz.plots.tokens.display_token`` (whitespace made visible, HTML-escaped) before it enters a figure,
because Plotly renders ``<b>``, ``<a href>`` … in labels and hover text.

Colour by readout: a classifier's P(positive) on a diverging blue–white–red scale in [0, 1] (0.5 is
white: undecided); a language model's next-token entropy (bits) on sequential Viridis from 0. Both
colour-blind safe; every colour bar has a title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rnnviz.plots.axis_titles import colour_bar_side, horizontal
from rnnviz.plots.finished import finished
from rnnviz.plots.palette import DIVERGING_SCALE, GATE_SCALE, LESSON_SCALE
from rnnviz.plots.tokens import display_token

# Plotly's built-in "none" template written out (what go.Figure expands template="none" to, without
# the ~6 kB default template): Streamlit's theme styles the chart (as rnnviz.plots.heatmaps does).
TEMPLATE = dict(data=dict(scatter=[dict(type="scatter")]))
CLOUD = "rgba(128,128,128,0.28)"
COLOUR_A, COLOUR_B, FIT = "#333333", "#d95f02", "#1b9e77"  # dark grey, orange, teal (Dark2)


def _figure(data: list[dict], layout: dict) -> dict:
    """The finished figure dict, without Plotly's property-by-property validation and copy (~25–55 ms
    per figure here; the keys are validated once by tests/plots/test_state_space_plots.py)."""
    return finished(data, horizontal(layout))


def _no_none(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if v is not None}


@dataclass(frozen=True)
class Colour:
    """How points are coloured: a title for the colour bar, a range, and which scale."""

    title: str
    cmin: float
    cmax: float
    diverging: bool = True

    def axis(self, font: int) -> dict:
        side = colour_bar_side(self.title)  # a Chinese title on top: horizontal, its ticks kept below it
        return dict(cmin=self.cmin, cmax=self.cmax, colorscale=DIVERGING_SCALE if self.diverging else GATE_SCALE,
                    colorbar=dict(title=dict(text=self.title, side=side, font=dict(size=font)),
                                  thickness=12, tickfont=dict(size=font), outlinewidth=0,
                                  **({"ticklabelposition": "outside bottom"} if side == "top" else {})))


@dataclass
class Path:
    """One sentence's trajectory on the principal components."""

    coords: np.ndarray            # (T, k) k = 2 or 3
    tokens: Sequence[str]
    values: np.ndarray | None     # (T,) readout, or None
    name: str
    colour: str = COLOUR_A
    dash: str = "solid"
    label_from: int = 0           # tokens before this position are not printed (hover still names them)


# Label boxes in pixels for the 2-D view, on the safe side: the plot area is ≥ 330 × (height − 130) px
# in its column once Plotly pads the autoscaled axes, a glyph ≤ 0.62 em wide; a label is printed only
# where its box meets no label printed before it.
PLOT_WIDTH_PX, MARGINS_PX, GLYPH_EM, LINE_EM = 330, 140, 0.62, 1.4


def printed_labels(paths: Sequence[Path], extent: np.ndarray, *, font: int, height: int) -> list[list[bool]]:
    """Which token labels to print so that no two overlap (2-D view); the hover names every point.

    Greedy: each path's first printable label goes first, the latest first (for the second sentence
    of a pair that is the word where it leaves the first: the word the lesson is about), then the rest in
    reading order, the first path first; a label ("top center" of its point) is kept when its box is
    clear of every kept box. ``extent``: (n, 2) every plotted point (paths, cloud, fixed points),
    whose bounding box approximates the autoscaled axes."""
    font = font * LESSON_SCALE  # sized for lesson mode's 4/3 larger text too: one figure serves both
    lo, hi = extent.min(axis=0), extent.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    scale = np.array([PLOT_WIDTH_PX, max(height - MARGINS_PX, 100)]) / span  # px per unit, x and y
    firsts = sorted(((p, path.label_from) for p, path in enumerate(paths) if path.label_from < len(path.tokens)),
                    key=lambda first: -first[1])  # where a path leaves another (label_from > 0) before all
    rest = [(p, k) for p, path in enumerate(paths) for k in range(path.label_from + 1, len(path.tokens))]
    kept: list[tuple[float, float, float]] = []  # centre x, centre y, half width (px)
    keep = [[False] * len(path.tokens) for path in paths]
    for p, k in firsts + rest:
        x, y = (np.asarray(paths[p].coords[k][:2], dtype=np.float64) - lo) * scale
        half = 0.5 * GLYPH_EM * font * max(1, len(display_token(paths[p].tokens[k])))
        if all(abs(x - kx) >= half + kh or abs(y - ky) >= LINE_EM * font for kx, ky, kh in kept):
            kept.append((x, y, half))
            keep[p][k] = True
    return keep


def _xyz(coords: np.ndarray, dims: int) -> dict:
    c = np.asarray(coords, dtype=np.float32)
    out = dict(x=c[:, 0], y=c[:, 1])
    if dims == 3:
        out["z"] = c[:, 2]
    return out


def trajectory_figure(paths: Sequence[Path], *, axis_titles: Sequence[str], colour: Colour | None,
                      cloud: np.ndarray | None = None, cloud_name: str = "",
                      fixed: np.ndarray | None = None, fixed_values: np.ndarray | None = None,
                      fixed_stable: np.ndarray | None = None, fixed_name: str = "",
                      selected_fixed: int | None = None, step: int | None = None, dims: int = 2,
                      title: str = "", value_label: str = "", font: int = 13, height: int = 440) -> dict:
    """The trajectories on the top principal components (2-D or 3-D), tokens as labels, points
    coloured by readout; the reference cloud faint beneath; fixed points as diamonds (open: unstable);
    ``step`` ringed on the first path; ``selected_fixed`` ringed too."""
    kind = "scatter3d" if dims == 3 else "scatter"
    scatter = lambda **kw: dict(type=kind, **kw)  # noqa: E731
    data = []
    if cloud is not None and len(cloud):
        data.append(scatter(**_xyz(cloud, dims), mode="markers", name=cloud_name, hoverinfo="skip",
                            marker=dict(size=4 if dims == 2 else 3, color=CLOUD)))
    coloraxis = colour.axis(font) if colour is not None else None
    if dims == 2 and paths:  # 3-D labels move with the camera: print them all there
        extent = np.concatenate([np.asarray(p.coords, dtype=np.float64)[:, :2] for p in paths]
                                + [np.asarray(a, dtype=np.float64)[:, :2] for a in (cloud, fixed) if a is not None and len(a)])
        shown = printed_labels(paths, extent, font=font, height=height)
    else:
        shown = [[k >= p.label_from for k in range(len(p.tokens))] for p in paths]
    for path, show in zip(paths, shown):
        labels = [display_token(tok) for tok in path.tokens]
        printed = [label if visible else "" for label, visible in zip(labels, show)]
        marker = dict(size=11 if dims == 2 else 5, line=dict(width=1, color=path.colour))
        if path.values is not None and colour is not None:
            marker.update(color=np.asarray(path.values, dtype=np.float32), coloraxis="coloraxis")
        else:
            marker.update(color=path.colour)
        hover = "<b>%{hovertext}</b> · %{customdata[0]}" + (
            f"<br>{value_label} = %{{customdata[1]:.3f}}" if path.values is not None else "") + "<extra></extra>"
        custom = np.column_stack([np.arange(len(labels)), path.values if path.values is not None
                                  else np.zeros(len(labels))]).astype(np.float32)
        data.append(scatter(**_xyz(path.coords, dims), mode="lines+markers+text", name=path.name, text=printed,
                            hovertext=labels,
                            textposition="top center", textfont=dict(size=font), customdata=custom,
                            hovertemplate=hover, line=dict(color=path.colour, width=2, dash=path.dash),
                            marker=marker))
    if fixed is not None and len(fixed):
        stable = np.ones(len(fixed), bool) if fixed_stable is None else np.asarray(fixed_stable, bool)
        # stable: a filled diamond; unstable: a diamond crossed out (its fill alone can be white)
        marker = dict(size=15 if dims == 2 else 7, line=dict(width=2, color="#000000"),
                      symbol=["diamond" if s else ("diamond-x" if dims == 2 else "x") for s in stable])
        if fixed_values is not None and colour is not None:
            marker.update(color=np.asarray(fixed_values, dtype=np.float32), coloraxis="coloraxis")
        else:
            marker.update(color="#000000")
        custom = np.column_stack([np.arange(len(fixed)), fixed_values if fixed_values is not None
                                  else np.zeros(len(fixed))]).astype(np.float32)
        hover = f"{fixed_name} %{{customdata[0]}}" + (
            f"<br>{value_label} = %{{customdata[1]:.3f}}" if fixed_values is not None else "") + "<extra></extra>"
        data.append(scatter(**_xyz(fixed, dims), mode="markers", name=fixed_name, marker=marker,
                            customdata=custom, hovertemplate=hover))
    rings = []
    if step is not None and paths and 0 <= step < len(paths[0].coords):
        rings.append(paths[0].coords[step:step + 1])
    if selected_fixed is not None and fixed is not None and 0 <= selected_fixed < len(fixed):
        rings.append(fixed[selected_fixed:selected_fixed + 1])
    for ring in rings:
        data.append(scatter(**_xyz(ring, dims), mode="markers", showlegend=False, hoverinfo="skip",
                            marker=dict(size=26 if dims == 2 else 12, color="rgba(0,0,0,0)",
                                        line=dict(width=3, color="#ffb000"))))
    axis = lambda k: dict(title=dict(text=axis_titles[k], font=dict(size=font)), tickfont=dict(size=font),  # noqa: E731
                          zeroline=False)
    layout = dict(title=dict(text=title, font=dict(size=font + 3), x=0, xanchor="left"), height=height,
                  margin=dict(l=60, r=10, t=40, b=50), template=TEMPLATE, hovermode="closest",
                  # legend bottom right, colour bar top right: neither covers an axis title
                  legend=dict(x=1.02, xanchor="left", y=0, yanchor="bottom", font=dict(size=font)),
                  hoverlabel=dict(bgcolor="white", font=dict(size=font + 1, color="#111111")))
    if coloraxis is not None:
        coloraxis["colorbar"].update(len=0.5, y=1, yanchor="top", x=1.02, xanchor="left")
        layout["coloraxis"] = coloraxis
    if dims == 3:
        layout["scene"] = dict(xaxis=axis(0), yaxis=axis(1), zaxis=axis(2))
    else:
        layout.update(xaxis=axis(0), yaxis=axis(1))
    return _figure(data, layout)


def eigenvalue_figure(eigenvalues: np.ndarray, *, title: str, real_title: str, imag_title: str,
                      circle_name: str, tau_label: str, font: int = 13, height: int = 340) -> dict:
    """Eigenvalues of the Jacobian in the complex plane against the unit circle (|λ| = 1: a mode
    that neither grows nor decays); hover gives |λ| and τ = 1/|log|λ||."""
    lam = np.asarray(eigenvalues, dtype=np.complex128)
    theta = np.linspace(0, 2 * np.pi, 181)
    mod = np.abs(lam)
    with np.errstate(divide="ignore"):
        tau = 1.0 / np.abs(np.log(mod))
    custom = np.column_stack([mod, np.where(np.isfinite(tau), tau, 1e30)]).astype(np.float32)
    data = [
        dict(type="scatter", x=np.cos(theta).astype(np.float32), y=np.sin(theta).astype(np.float32), mode="lines",
             name=circle_name, line=dict(color="#888888", dash="dot"), hoverinfo="skip"),
        dict(type="scatter", x=lam.real.astype(np.float32), y=lam.imag.astype(np.float32), mode="markers", name="λ",
             marker=dict(size=9, color=np.where(mod >= 1, COLOUR_B, COLOUR_A).tolist()), customdata=custom,
             hovertemplate="λ = %{x:.3f} %{y:+.3f}i<br>|λ| = %{customdata[0]:.4f}<br>"
                           f"{tau_label} = %{{customdata[1]:.3g}}<extra></extra>"),
    ]
    reach = max(1.1, float(mod.max()) * 1.05 if len(mod) else 1.1)
    return _figure(data, dict(title=dict(text=title, font=dict(size=font + 2), x=0, xanchor="left"), height=height,
                      template=TEMPLATE, margin=dict(l=55, r=10, t=40, b=45), showlegend=False,
                      xaxis=dict(range=[-reach, reach], title=dict(text=real_title, font=dict(size=font)),
                                 tickfont=dict(size=font), zeroline=True),
                      yaxis=dict(range=[-reach, reach], scaleanchor="x", title=dict(text=imag_title, font=dict(size=font)),
                                 tickfont=dict(size=font), zeroline=True)))


def distance_figure(labels: Sequence[str], distance: np.ndarray, *, fit_positions: np.ndarray | None,
                    fit_curve: np.ndarray | None, title: str, y_title: str, x_title: str,
                    data_name: str, fit_name: str, font: int = 13, height: int = 300) -> dict:
    """‖h^A − h^B‖ at each aligned step (x: position in A, tick text: the token, escaped) with the
    fitted exponential over the steps after the change."""
    x = np.arange(len(distance))
    data = [dict(type="scatter", x=x, y=np.asarray(distance, dtype=np.float32), mode="lines+markers",
                 name=data_name, line=dict(color=COLOUR_A, width=2), marker=dict(size=8))]
    if fit_positions is not None and fit_curve is not None:
        data.append(dict(type="scatter", x=np.asarray(fit_positions), y=np.asarray(fit_curve, dtype=np.float32),
                         mode="lines", name=fit_name, line=dict(color=FIT, width=3, dash="dash")))
    return _figure(data, dict(title=dict(text=title, font=dict(size=font + 2), x=0, xanchor="left"), height=height,
                      template=TEMPLATE, margin=dict(l=60, r=10, t=40, b=60),
                      legend=dict(orientation="h", y=1.12, x=1, xanchor="right", font=dict(size=font)),
                      xaxis=dict(tickmode="array", tickvals=list(x), ticktext=[display_token(s) for s in labels],
                                 tickfont=dict(size=font), title=dict(text=x_title, font=dict(size=font))),
                      yaxis=dict(rangemode="tozero", tickfont=dict(size=font),
                                 title=dict(text=y_title, font=dict(size=font)))))


def patch_figure(labels: Sequence[str], curve: np.ndarray, *, value_a: float, value_b: float, selected: int | None,
                 title: str, y_title: str, x_title: str, name_a: str, name_b: str, name_patched: str,
                 y_range: tuple[float, float] | None = (0.0, 1.0), font: int = 13, height: int = 300) -> dict:
    """The readout of A when its state at aligned step k is replaced by B's (one point per k), with
    A's and B's own readouts as horizontal lines; ``selected`` ringed."""
    x = np.arange(len(curve))
    data = [dict(type="scatter", x=x, y=np.asarray(curve, dtype=np.float32), mode="lines+markers",
                 name=name_patched, line=dict(color=FIT, width=3), marker=dict(size=9))]
    for value, name, colour in ((value_a, name_a, COLOUR_A), (value_b, name_b, COLOUR_B)):
        data.append(dict(type="scatter", x=[-0.5, len(curve) - 0.5], y=[value, value], mode="lines", name=name,
                         line=dict(color=colour, width=2, dash="dot"), hoverinfo="skip"))
    if selected is not None and 0 <= selected < len(curve):
        data.append(dict(type="scatter", x=[selected], y=[float(curve[selected])], mode="markers", showlegend=False,
                         hoverinfo="skip", marker=dict(size=22, color="rgba(0,0,0,0)",
                                                        line=dict(width=3, color="#ffb000"))))
    return _figure(data, dict(title=dict(text=title, font=dict(size=font + 2), x=0, xanchor="left"), height=height,
                      template=TEMPLATE, margin=dict(l=60, r=10, t=40, b=60),
                      legend=dict(orientation="h", y=1.12, x=1, xanchor="right", font=dict(size=font)),
                      xaxis=dict(tickmode="array", tickvals=list(x), ticktext=[display_token(s) for s in labels],
                                 range=[-0.5, len(curve) - 0.5], tickfont=dict(size=font),
                                 title=dict(text=x_title, font=dict(size=font))),
                      yaxis=_no_none(dict(range=list(y_range) if y_range else None, tickfont=dict(size=font),
                                          title=dict(text=y_title, font=dict(size=font))))))
