"""Ablation: hold gates or states at a constant and compare with the untouched run (no streamlit).

    spec = ForceSpec("forget_gate", 1.0, units=(3,), steps=None, layer=0, direction=None)
    forced = model.trace(tokens, force=spec.forces())        # rnnviz.trace recomputes downstream
    model.readout(forced)                                     # the changed prediction

Classic lesions: ``forget_gate = 1`` (the LSTM never forgets: c_t = c_{t-1} + i ⊙ g), ``input_gate = 0``
(nothing new is written), ``output_gate = 1`` (h shows all of tanh c), GRU ``update_gate = 0``
(always take the candidate: h_t = n_t, no memory through z) or ``= 1`` (freeze the state), and
``hidden_state = 0`` for chosen units (cut a unit out of the network). Forcing happens where
the quantity is produced (``rnnviz.cells`` clamp hook), so every later step, layer and the head see
the forced value.

Builders here turn the two runs into figures: the classifier's probabilities side by side, and for
language models the probability given to the token that actually comes next, per position.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch

from rnnviz.plots import heatmaps
from rnnviz.plots.diagram import plot_text
from rnnviz.i18n import t
from rnnviz.core.trace import FORCEABLE, Force

# The value each forceable quantity is set to by default: the textbook lesion for it.
PRESET = {"forget_gate": 1.0, "input_gate": 0.0, "output_gate": 1.0, "cell_candidate": 0.0, "cell_state": 0.0,
          "hidden_state": 0.0, "reset_gate": 0.0, "update_gate": 0.0, "candidate": 0.0}
ORIGINAL, FORCED = "#7f7f7f", "#d95f02"


def value_bounds(name: str) -> tuple[float, float]:
    """The range a forced value may take: [0, 1] for σ gates, [−1, 1] for tanh ones, [−5, 5] for c."""
    kind = heatmaps.KIND.get(name)
    if kind == heatmaps.GATE:
        return 0.0, 1.0
    if kind == heatmaps.TANH:
        return -1.0, 1.0
    return -5.0, 5.0


@dataclass(frozen=True)
class ForceSpec:
    """One ablation as plain, hashable values (a cache key and a URL). None = all."""

    name: str
    value: float
    units: tuple[int, ...] | None = None
    steps: tuple[int, ...] | None = None
    layer: int | None = None
    direction: int | None = None

    def forces(self) -> list[Force]:
        return [Force(self.name, float(self.value), self.units, self.steps, self.layer, self.direction)]

    def check(self, cell: str) -> None:
        if self.name not in FORCEABLE[cell]:
            raise ValueError(f"{cell} cannot force {self.name!r}; it can force {', '.join(FORCEABLE[cell])}.")
        lo, hi = value_bounds(self.name)
        if not lo <= self.value <= hi:
            raise ValueError(f"{self.name} must be in [{lo}, {hi}], got {self.value}.")


def next_token_probability(probs: np.ndarray, next_ids: Sequence[int]) -> np.ndarray:
    """p(token t+1 | tokens 0..t) for t = 0..T-2, from (T, V) next-token probabilities and the ids
    of tokens 1..T-1 (``vocab.encode(tokens[1:])``). (T-1,) float64"""
    ids = np.asarray(next_ids, dtype=np.int64)
    return probs[np.arange(len(ids)), ids].astype(np.float64)


def mean_log_likelihood(p: np.ndarray) -> float:
    """Mean ln p over defined positions (higher is better; ln of perplexity with a minus sign)."""
    p = p[np.isfinite(p)]
    return float(np.mean(np.log(np.maximum(p, 1e-12)))) if p.size else float("nan")


def classify_figure(original: Mapping[str, float], forced: Mapping[str, float], *, lang: str | None = None) -> go.Figure:
    """Grouped bars: each label's probability, untouched (grey) and forced (orange)."""
    labels = list(original)
    shown = [html.escape(str(label), quote=False) for label in labels]
    fig = go.Figure([
        go.Bar(x=shown, y=[original[k] for k in labels], name=t("ablation.original", lang=lang),
               marker_color=ORIGINAL, text=[f"{original[k]:.2f}" for k in labels], textposition="outside"),
        go.Bar(x=shown, y=[forced[k] for k in labels], name=t("ablation.forced", lang=lang),
               marker_color=FORCED, text=[f"{forced[k]:.2f}" for k in labels], textposition="outside"),
    ])
    fig.update_layout(barmode="group", yaxis=dict(range=[0, 1.15], fixedrange=True, title=t("ablation.probability", lang=lang)),
                      xaxis=dict(fixedrange=True, tickfont=dict(size=15)), height=300, template="none",
                      margin=dict(l=55, r=10, t=30, b=40), legend=dict(orientation="h", y=1.15, font=dict(size=14)))
    return fig


def next_token_figure(tokens: Sequence[str], p_original: np.ndarray, p_forced: np.ndarray, *,
                      lang: str | None = None) -> go.Figure:
    """p(actual next token) at each position, both runs; x = the token being predicted."""
    n = len(p_original)
    ticks = [plot_text(tok) for tok in tokens[1:]]
    x = np.arange(n)
    fig = go.Figure([
        go.Scatter(x=x, y=np.asarray(p_original, dtype=np.float32), name=t("ablation.original", lang=lang),
                   mode="lines+markers", line=dict(color=ORIGINAL, width=2)),
        go.Scatter(x=x, y=np.asarray(p_forced, dtype=np.float32), name=t("ablation.forced", lang=lang),
                   mode="lines+markers", line=dict(color=FORCED, width=2.5)),
    ])
    step = max(1, n // 60)
    fig.update_layout(
        xaxis=dict(tickmode="array", tickvals=list(range(0, n, step)), ticktext=ticks[::step], fixedrange=True,
                   range=[-0.5, n - 0.5], title=dict(text=t("ablation.next_token_axis", lang=lang), font=dict(size=13))),
        yaxis=dict(range=[0, 1], fixedrange=True, title=dict(text=t("ablation.probability", lang=lang), font=dict(size=13))),
        height=280, template="none", margin=dict(l=55, r=10, t=30, b=60),
        legend=dict(orientation="h", y=1.15, font=dict(size=14)),
    )
    return fig


def difference_figure(name: str, original: Sequence[np.ndarray], forced: Sequence[np.ndarray],
                      tokens: Sequence[str], *, layer: int, lang: str | None = None) -> go.Figure:
    """forced − original for one quantity of one layer (directions stacked), diverging around 0."""
    diff = [np.ascontiguousarray(f - o, dtype=np.float32) for o, f in zip(original, forced)]
    peak = max((float(np.abs(d).max()) for d in diff), default=0.0)
    bound = max(peak, 1e-3)
    fig = heatmaps.heatmap_figure("difference", diff, tokens, layer=layer, zrange=(-bound, bound), lang=lang)
    label = t(heatmaps.LABEL_KEY[name], lang=lang)
    fig.update_layout(title=dict(text=t("ablation.difference_title", lang=lang, quantity=label, layer=layer + 1)))
    return fig


@torch.no_grad()
def forced_translation(model, tokens: Sequence[str], forces=None) -> str:
    """The encoder–decoder's greedy output when the *encoder* runs with ``forces``: the forced
    encoder's final state becomes the context c and the decoder's start state, exactly as in
    ``rnnviz.seq2seq.decode`` (which this repeats, so the untouched decoder sees the changed c).
    With ``forces=None`` it equals ``model.predict(tokens)``."""
    from rnnviz.models import seq2seq

    enc = model.trace(list(tokens), force=forces)  # the encoder, forced
    lstm = model.decoder.__class__.__name__ == "LSTM"
    state = (enc.h_n, enc.c_n) if lstm else enc.h_n  # (L·D, H) each
    context_h = enc.h_n[-1:]  # c: (1, H)
    prev_id, outputs = seq2seq.TARGET_CHARS.index("<s>"), []
    for _ in range(seq2seq.MAX_OUTPUT):
        step_in = model.decoder_inputs(torch.tensor([[prev_id]]), context_h)[0]  # (1, E+H)
        out, state = model.decoder(step_in, state)  # (1, H)
        prev_id = int(model.head(out)[0].argmax())
        outputs.append(prev_id)
        if seq2seq.TARGET_CHARS[prev_id] == "</s>":
            break
    return seq2seq.ids_to_string(outputs)


def translation_figure(original: str, forced: str, *, lang: str | None = None) -> go.Figure:
    """The two output strings as a two-row table-like figure (escaped text)."""
    fig = go.Figure(go.Table(
        header=dict(values=[t("ablation.original", lang=lang), t("ablation.forced", lang=lang)],
                    fill_color=[ORIGINAL, FORCED], font=dict(color="white", size=15), align="center"),
        cells=dict(values=[[html.escape(original, quote=False) or "∅"], [html.escape(forced, quote=False) or "∅"]],
                   font=dict(size=26), height=44, align="center")))
    fig.update_layout(height=130, margin=dict(l=0, r=0, t=5, b=5), template="none")
    return fig
