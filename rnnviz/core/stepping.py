r"""One time step of one unit, with the real numbers in PyTorch's equations.

    inputs = model.inputs(tokens)                    # x_t of layer 0, (T, E)
    tr = model.trace(tokens)
    step = rnnviz.core.stepping.step_values(model.module, inputs, tr, layer=0, direction=0, t=3, unit=5)
    for eq in step.equations:
        print(eq.name, eq.value, eq.traced)          # e.g. forget_gate 0.7712 0.7712
    step.max_error()                                 # |value from the weights − value in the trace|

Every number here is recomputed from the module's weights (float64), *independently* of
``rnnviz.trace``, and each equation keeps the traced value beside it, so the page can show that the
two agree (and the tests can check it). For the forget gate of an LSTM unit ``u``::

    f_t[u] = σ( W_if[u]·x_t  +  b_if[u]  +  W_hf[u]·h_{t-1}  +  b_hf[u] )
           = σ( 0.412 + 0.105 − 0.318 + 0.051 ) = σ(0.250) = 0.562

Gate rows of the stacked weights follow PyTorch: LSTM ``i, f, g, o`` (``weight_ih_l{k}`` is
``(4H, in)``), GRU ``r, z, n`` (``(3H, in)``), RNN one block. The GRU candidate keeps ``r`` inside
and ``b_hn`` separate: ``n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))``; ``z → 1`` keeps the old
state. For the backward direction of a bidirectional layer the "previous" state of position t is
the one at t + 1 (the cell reads the sentence from the end), so the symbols say ``h_{t+1}``.

Layer l > 0 reads the previous layer's output ``[h→_t ; h←_t]`` (both directions concatenated);
this module takes it from the trace's hidden states.

Reference: PyTorch documentation of torch.nn.RNN / LSTM / GRU (same symbols as ``rnnviz/core/cells.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from rnnviz import quantities
from rnnviz.core.trace import cell_kind
from rnnviz.core.unroll import layer_weights

# Gate blocks in the stacked weights, in PyTorch's order, and each one's symbol / activation;
# every quantity's symbol (rnnviz/quantities.py).
BLOCKS, SYMBOL = quantities.BLOCKS, quantities.SYMBOL


@dataclass
class Equation:
    """One quantity of one unit at one step.

    ``terms``: the named numbers that add up (or combine) to the result, e.g.
    ``{"W_if x": 0.41, "b_if": 0.1, ...}``; ``pre``: the argument of the activation (None if there
    is none); ``value``: recomputed from the weights; ``traced``: what ``rnnviz.trace`` recorded.
    ``rows``: the general form, then the same form with the numbers filled in, as (left, right)
    LaTeX pairs; ``latex`` puts them in one ``aligned`` block.
    """

    name: str
    symbol: str
    terms: dict[str, float]
    pre: float | None
    value: float
    traced: float
    rows: tuple[tuple[str, str], ...] = ()  # (left, right) LaTeX of each line

    @property
    def latex(self) -> str:
        return aligned(self.rows)

    @property
    def error(self) -> float:
        return abs(self.value - self.traced)


@dataclass
class StepValues:
    """Every equation of one unit at position ``t`` of one layer and direction."""

    cell: str
    layer: int
    direction: int
    t: int
    unit: int
    equations: list[Equation] = field(default_factory=list)

    def get(self, name: str) -> Equation:
        for eq in self.equations:
            if eq.name == name:
                return eq
        raise KeyError(name)

    def max_error(self) -> float:
        return max((eq.error for eq in self.equations), default=0.0)


# ----------------------------------------------------------------------------- small math

def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))


ACT = {"sigma": _sigmoid, "tanh": math.tanh, "relu": lambda v: max(v, 0.0), None: lambda v: v}
ACT_TEX = {"sigma": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{relu}"}


def num(v: float, digits: int = 3) -> str:
    """A number for LaTeX: fixed decimals, a true minus sign."""
    s = f"{v:.{digits}f}"
    return ("-" + s[1:]) if s.startswith("-") else s


def _sum_tex(values: list[float]) -> str:
    """0.412 + 0.105 - 0.318: signs written as operators, not '+ -0.318'."""
    out = num(values[0])
    for v in values[1:]:
        out += (" - " + num(-v)) if v < 0 else (" + " + num(v))
    return out


def _rows(lhs: str, general: str, *numeric: str) -> tuple[tuple[str, str], ...]:
    return ((lhs, "= " + general),) + tuple(("", "= " + row) for row in numeric)


def aligned(rows) -> str:
    """One KaTeX ``aligned`` block from (left, right) rows: every '=' in one column."""
    return r"\begin{aligned}" + r" \\ ".join(f"{a} &{b}" for a, b in rows) + r"\end{aligned}"


_aligned = _rows


# ----------------------------------------------------------------------------- inputs of a layer

def layer_inputs(tr, inputs: torch.Tensor | np.ndarray, layer: int) -> np.ndarray:
    """What layer ``layer`` reads at every step: x_t for layer 0, else ``[h→_t ; h←_t]`` of the
    layer below, from the trace. float64 (T, In)."""
    if layer == 0:
        x = inputs.detach().cpu().numpy() if isinstance(inputs, torch.Tensor) else np.asarray(inputs)
        return x.astype(np.float64)
    below = [tr.get("hidden_state", layer - 1, d) for d in range(tr.num_directions)]  # D × (T, P)
    return np.concatenate(below, axis=-1).astype(np.float64)


def previous_index(t: int, steps: int, direction: int) -> int | None:
    """The position whose state the cell saw before position ``t`` (None: the zero initial state)."""
    prev = t - 1 if direction == 0 else t + 1
    return prev if 0 <= prev < steps else None


# ----------------------------------------------------------------------------- the equations

def step_values(module, inputs, tr, layer: int, direction: int, t: int, unit: int) -> StepValues:
    """The equations of ``unit`` at input position ``t`` with every number filled in.

    module: the traced ``nn.RNN | nn.LSTM | nn.GRU``; inputs: its input ``(T, input_size)`` (the x_t
    of layer 0); tr: ``rnnviz.trace(module, inputs)`` (unbatched, zero initial state), or anything
    with the same ``get(name, layer, direction)``, ``num_layers``, ``num_directions``.
    """
    cell = cell_kind(module)
    if getattr(tr, "batched", False):
        raise ValueError("step_values takes an unbatched trace.")
    T = tr.get("hidden_state", 0, 0).shape[0]
    if not 0 <= t < T:
        raise ValueError(f"step {t} out of range: the sentence has {T} steps (0..{T - 1}).")
    if not 0 <= layer < tr.num_layers or not 0 <= direction < tr.num_directions:
        raise ValueError(f"layer {layer} / direction {direction} out of range.")
    H = module.hidden_size
    if not 0 <= unit < H:
        raise ValueError(f"unit {unit} out of range: this cell has {H} units (0..{H - 1}).")

    w = {k: (None if v is None else v.detach().double().numpy()) for k, v in layer_weights(module, layer, direction).items()}
    x_t = layer_inputs(tr, inputs, layer)[t]  # (In,)
    prev = previous_index(t, T, direction)
    P = w["w_hh"].shape[1]
    h_prev = np.zeros(P) if prev is None else tr.get("hidden_state", layer, direction)[prev].astype(np.float64)
    # symbols: the backward direction's previous state is the one at t + 1
    hp = r"h_{t-1}" if direction == 0 else r"h_{t+1}"
    cp = r"c_{t-1}" if direction == 0 else r"c_{t+1}"
    traced = lambda name: float(tr.get(name, layer, direction)[t, unit])  # noqa: E731
    out = StepValues(cell, layer, direction, t, unit)

    def block(k: int) -> tuple[float, float, float, float]:
        """W_i·[u] x_t, b_i·[u], W_h·[u] h_prev, b_h·[u] for gate block k."""
        row = k * H + unit
        bx = 0.0 if w["b_ih"] is None else float(w["b_ih"][row])
        bh = 0.0 if w["b_hh"] is None else float(w["b_hh"][row])
        return float(w["w_ih"][row] @ x_t), bx, float(w["w_hh"][row] @ h_prev), bh

    values: dict[str, float] = {}
    for k, (name, sym, act) in enumerate(BLOCKS[cell]):
        wx, bx, wh, bh = block(k)
        gs = sym  # the gate's letter in PyTorch's weight names: W_if, b_hz, ...
        names = [f"W_i{gs} x", f"b_i{gs}", f"W_h{gs} h", f"b_h{gs}"] if cell != "RNN" else \
            ["W_ih x", "b_ih", "W_hh h", "b_hh"]
        tex_names = [rf"W_{{i{gs}}}\,x_t", rf"b_{{i{gs}}}", rf"W_{{h{gs}}}\,{hp}", rf"b_{{h{gs}}}"] \
            if cell != "RNN" else [r"W_{ih}\,x_t", r"b_{ih}", rf"W_{{hh}}\,{hp}", r"b_{hh}"]
        general = " + ".join(tex_names)
        if cell == "GRU" and sym == "n":
            r = values["reset_gate"]
            pre = wx + bx + r * (wh + bh)
            terms = dict(zip(names, (wx, bx, wh, bh))) | {"r": r}
            general = rf"\tanh\big(W_{{in}}\,x_t + b_{{in}} + r_t \odot (W_{{hn}}\,{hp} + b_{{hn}})\big)"
            numeric = rf"\tanh\big({_sum_tex([wx, bx])} + {num(r)} \times ({_sum_tex([wh, bh])})\big)"
            value = math.tanh(pre)
            rows = _aligned(rf"{sym}_t", general, numeric, rf"\tanh({num(pre)}) = {num(value)}")
        elif act is None:  # RNN pre-activation: a plain sum
            pre = wx + bx + wh + bh
            terms = dict(zip(names, (wx, bx, wh, bh)))
            value = pre
            rows = _aligned("a_t", general, _sum_tex([wx, bx, wh, bh]) + f" = {num(value)}")
            pre = None
        else:
            pre = wx + bx + wh + bh
            terms = dict(zip(names, (wx, bx, wh, bh)))
            value = ACT[act](pre)
            a = ACT_TEX[act]
            rows = _aligned(rf"{sym}_t", rf"{a}({general})", rf"{a}({_sum_tex([wx, bx, wh, bh])})",
                             rf"{a}({num(pre)}) = {num(value)}")
        values[name] = value
        out.equations.append(Equation(name, sym, terms, pre, value, traced(name), rows))

    if cell == "LSTM":
        c_prev = 0.0 if prev is None else float(tr.get("cell_state", layer, direction)[prev, unit])
        f, i, g, o = values["forget_gate"], values["input_gate"], values["cell_candidate"], values["output_gate"]
        c = f * c_prev + i * g
        out.equations.append(Equation(
            "cell_state", "c", {"f": f, "c_prev": c_prev, "i": i, "g": g}, None, c, traced("cell_state"),
            _aligned("c_t", rf"f_t \odot {cp} + i_t \odot g_t",
                     rf"{num(f)} \times {num(c_prev)} + {num(i)} \times {num(g)} = {num(c)}")))
        if w["w_hr"] is None:
            h = o * math.tanh(c)
            out.equations.append(Equation(
                "hidden_state", "h", {"o": o, "tanh c": math.tanh(c)}, c, h, traced("hidden_state"),
                _aligned("h_t", r"o_t \odot \tanh(c_t)", rf"{num(o)} \times \tanh({num(c)})",
                         rf"{num(o)} \times {num(math.tanh(c))} = {num(h)}")))
        elif unit < P:  # projection: h_t[u] = W_hr[u] · (o ⊙ tanh c) over all H cells
            cs = tr.get("cell_state", layer, direction)[t].astype(np.float64)
            os = tr.get("output_gate", layer, direction)[t].astype(np.float64)
            h = float(w["w_hr"][unit] @ (os * np.tanh(cs)))
            out.equations.append(Equation(
                "hidden_state", "h", {"W_hr m": h}, None, h, traced("hidden_state"),
                _aligned("h_t", r"W_{hr}\,\big(o_t \odot \tanh(c_t)\big)", num(h))))
    elif cell == "GRU":
        z, n = values["update_gate"], values["candidate"]
        h_old = float(h_prev[unit])
        h = (1.0 - z) * n + z * h_old
        out.equations.append(Equation(
            "hidden_state", "h", {"z": z, "n": n, "h_prev": h_old}, None, h, traced("hidden_state"),
            _aligned("h_t", rf"(1 - z_t) \odot n_t + z_t \odot {hp}",
                     rf"(1 - {num(z)}) \times {num(n)} + {num(z)} \times {num(h_old)} = {num(h)}")))
    else:
        a = values["pre_activation"]
        act = "relu" if getattr(module, "nonlinearity", "tanh") == "relu" else "tanh"
        h = ACT[act](a)
        out.equations.append(Equation(
            "hidden_state", "h", {"a": a}, a, h, traced("hidden_state"),
            _aligned("h_t", rf"{ACT_TEX[act]}(a_t)", rf"{ACT_TEX[act]}({num(a)}) = {num(h)}")))
    return out


def wire_values(tr, layer: int, direction: int, t: int, unit: int) -> dict[str, float]:
    """What the cell diagram writes on its wires for ``unit`` at position ``t``: every traced
    quantity at t, and the previous states (``h_prev``, ``c_prev``; 0 before the first step)."""
    prev = previous_index(t, tr.get("hidden_state", layer, direction).shape[0], direction)
    out = {}
    for name in tr.quantities:
        a = tr.get(name, layer, direction)
        if unit < a.shape[1]:
            out[name] = float(a[t, unit])
            if name in ("hidden_state", "cell_state"):
                out[name + "_prev"] = 0.0 if prev is None else float(a[prev, unit])
    if "cell_state" in out:
        out["tanh_cell_state"] = math.tanh(out["cell_state"])
    if "update_gate" in out:
        out["one_minus_update"] = 1.0 - out["update_gate"]
    return out
