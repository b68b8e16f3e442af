"""Exact per-step gates and states for any ``torch.nn.RNN``, ``torch.nn.LSTM`` or ``torch.nn.GRU``.

    tr = rnnviz.trace(module, x, hx=None, force=None)
    tr.output, tr.h_n, tr.c_n        # what module(x, hx) returns
    tr.get("forget_gate", layer=0, direction=1)   # float32 (T, H) — row t is input position t

The equations are those of PyTorch (see ``rnnviz/core/cells.py`` for the full math block). Names:

    LSTM: input_gate i, forget_gate f, cell_candidate g, output_gate o, cell_state c, hidden_state h
    GRU:  reset_gate r, update_gate z, candidate n, hidden_state h
    RNN:  pre_activation a, hidden_state h

How it stays exact and fast (``force=None``): for each layer, PyTorch's own fused kernel runs that
layer alone (the same kernel ``module.forward`` calls, with that layer's weights), which gives every
h_t of both directions. All gates then follow from ``(x_t, h_{t-1})`` with two GEMMs over the whole
sequence — ``X W_ih^T`` and ``H_prev W_hh^T`` — instead of T small products, and the LSTM cell
state from the elementwise recurrence ``c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t``. ``output``, ``h_n`` and
``c_n`` are the fused kernel's own numbers.

With ``force`` (ablation) the forced values change every later step, so each layer is stepped in
Python with ``rnnviz.cells`` and the clamp hook; everything downstream is recomputed exactly.

Shapes: ``T`` steps, ``B`` batch, ``L`` layers, ``D`` directions (2 if bidirectional), ``H``
hidden size, ``P`` projection size (LSTM with ``proj_size``; otherwise P = H).

Reference: PyTorch documentation of torch.nn.RNN / LSTM / GRU (torch/nn/modules/rnn.py).
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from rnnviz import quantities
from rnnviz.core import cells
from rnnviz.core.unroll import layer_weights, prepare_inputs, unroll

# Names per cell, the gate blocks, and what `force` may set: rnnviz/quantities.py (the one table).
GATES, QUANTITIES, FORCEABLE = quantities.GATES, quantities.QUANTITIES, quantities.FORCEABLE


@dataclass(frozen=True)
class Force:
    """Hold ``name`` at ``value`` for the chosen units / input positions / layer / direction.

    ``None`` means all of them. Steps are input positions (for the backward direction too).
    """

    name: str
    value: float
    units: Sequence[int] | None = None
    steps: Sequence[int] | None = None
    layer: int | None = None
    direction: int | None = None


def cell_kind(module) -> str:
    """"RNN", "LSTM" or "GRU" for a torch recurrent module; ValueError for anything else."""
    if isinstance(module, nn.LSTM):
        return "LSTM"
    if isinstance(module, nn.GRU):
        return "GRU"
    if isinstance(module, nn.RNN):
        return "RNN"
    raise ValueError(
        f"rnnviz.trace needs a torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU; got {type(module).__name__}."
    )


class Trace:
    """Every gate and state of one run, as float32 numpy arrays, time first."""

    def __init__(self, cell, module, batched, steps, output, h_n, c_n, arrays):
        self.cell: str = cell
        self.num_layers: int = module.num_layers
        self.num_directions: int = 2 if module.bidirectional else 1
        self.hidden_size: int = module.hidden_size
        self.proj_size: int = getattr(module, "proj_size", 0)
        self.batched: bool = batched
        self.steps: int = steps
        self.output: torch.Tensor = output
        self.h_n: torch.Tensor = h_n
        self.c_n: torch.Tensor | None = c_n
        self._arrays: dict[tuple[str, int, int], np.ndarray] = arrays  # (T, B, ·) each
        self.prediction = None  # what a model's head made of this run (rnnviz.models.Model.run)

    # Pickled (st.cache_data) as numpy: tensors become arrays and come back as tensors.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in ("output", "h_n", "c_n"):
            if isinstance(state[name], torch.Tensor):
                state[name] = state[name].detach().numpy()
        return state

    def __setstate__(self, state: dict) -> None:
        for name in ("output", "h_n", "c_n"):
            if isinstance(state[name], np.ndarray):
                state[name] = torch.from_numpy(state[name])
        self.__dict__.update(state)

    def compact(self) -> "Trace":
        """Every array C-contiguous float32 (views into the gate GEMMs become copies of their own),
        so a cached trace holds no more than it shows. Returns self."""
        self._arrays = {key: np.ascontiguousarray(a, dtype=np.float32) for key, a in self._arrays.items()}
        return self

    @property
    def units(self) -> int:
        """The widest quantity's units: H (an LSTM with projection has h of P < H units)."""
        return self.hidden_size

    @property
    def quantities(self) -> tuple[str, ...]:
        return QUANTITIES[self.cell]

    @property
    def gates(self) -> tuple[str, ...]:
        return GATES[self.cell]

    def get(self, name: str, layer: int = 0, direction: int = 0) -> np.ndarray:
        """``(T, H)`` unbatched or ``(T, B, H)`` batched, row t = input position t."""
        if name not in self.quantities:
            raise KeyError(f"{self.cell} has no {name!r}; it has {', '.join(self.quantities)}.")
        if not 0 <= layer < self.num_layers:
            raise IndexError(f"layer {layer} out of range: this module has {self.num_layers} layer(s).")
        if not 0 <= direction < self.num_directions:
            raise IndexError(f"direction {direction} out of range: this module has {self.num_directions}.")
        a = self._arrays[(name, layer, direction)]
        return a if self.batched else a[:, 0]

    def arrays(self) -> dict[tuple[str, int, int], np.ndarray]:
        """Every quantity of every layer and direction: ``{(name, layer, direction): get(...)}``."""
        return {key: self.get(*key) for key in self._arrays}

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._arrays.values())

    def __repr__(self) -> str:
        return (f"Trace({self.cell}, layers={self.num_layers}, directions={self.num_directions}, "
                f"steps={self.steps}, hidden={self.hidden_size})")


# --------------------------------------------------------------------------- module plumbing

def _flat_layer_weights(module, layer: int, directions: int) -> list[torch.Tensor]:
    """The fused kernel's weight list for one layer, in ``module._flat_weights_names`` order."""
    out = []
    for d in range(directions):
        w = layer_weights(module, layer, d)
        out += [w["w_ih"], w["w_hh"]]
        if module.bias:
            out += [w["b_ih"], w["b_hh"]]
        if w["w_hr"] is not None:
            out.append(w["w_hr"])
    return out


def _fused_layer(cell, module, inp, h0, c0, layer, directions):
    """Run one layer with PyTorch's fused kernel. inp (T, B, In) -> out (T, B, D*P), h_n, c_n."""
    weights = _flat_layer_weights(module, layer, directions)
    bi = directions == 2
    if cell == "LSTM":
        with warnings.catch_warnings():  # "projections not supported with oneDNN": torch falls back itself
            warnings.simplefilter("ignore", UserWarning)
            out, h_n, c_n = torch.lstm(inp, (h0, c0), weights, module.bias, 1, 0.0, False, bi, False)
        return out, h_n, c_n
    if cell == "GRU":
        out, h_n = torch.gru(inp, h0, weights, module.bias, 1, 0.0, False, bi, False)
    else:
        fn = torch.rnn_tanh if module.nonlinearity == "tanh" else torch.rnn_relu
        out, h_n = fn(inp, h0, weights, module.bias, 1, 0.0, False, bi, False)
    return out, h_n, None


def _previous(h_seq: torch.Tensor, h0: torch.Tensor, direction: int) -> torch.Tensor:
    """h_{t-1} for every position: the state the cell saw *before* position t. (T, B, P)"""
    if direction == 0:
        return torch.cat([h0[None], h_seq[:-1]])
    return torch.cat([h_seq[1:], h0[None]])  # backward: position t comes after position t+1


# --------------------------------------------------------------------------- fast exact path

def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().to(torch.float32).numpy()


def _cell_state_scan(f: np.ndarray, ig: np.ndarray, c0: np.ndarray, direction: int) -> np.ndarray:
    """c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t in processing order, in place in ``ig``. (T, B, H)"""
    c, prev = ig, c0
    order = range(len(c)) if direction == 0 else range(len(c) - 1, -1, -1)
    for t in order:
        c[t] += f[t] * prev
        prev = c[t]
    return c


def _gates_from_states(cell, module, inp, h_seq, h0, c0, layer, direction, arrays):
    """Every gate of one layer/direction from (x_t, h_{t-1}): two GEMMs, then activations."""
    w = layer_weights(module, layer, direction)
    T, B, _ = inp.shape
    h_prev = _previous(h_seq, h0, direction)  # (T, B, P)
    x_proj = inp.reshape(T * B, -1) @ w["w_ih"].T  # (T*B, G*H)
    h_proj = h_prev.reshape(T * B, -1) @ w["w_hh"].T  # (T*B, G*H)
    if w["b_ih"] is not None:
        x_proj += w["b_ih"]
        h_proj += w["b_hh"]
    key = lambda name: (name, layer, direction)  # noqa: E731
    H = module.hidden_size
    if cell == "LSTM":
        pre = (x_proj + h_proj).view(T, B, 4 * H)  # (T, B, 4H), order i, f, g, o
        act = torch.sigmoid(pre)
        act[..., 2 * H:3 * H] = torch.tanh(pre[..., 2 * H:3 * H])
        act = _np(act)
        i, f, g, o = (act[..., k * H:(k + 1) * H] for k in range(4))
        arrays[key("input_gate")], arrays[key("forget_gate")] = i, f
        arrays[key("cell_candidate")], arrays[key("output_gate")] = g, o
        arrays[key("cell_state")] = _cell_state_scan(f, i * g, _np(c0), direction)
    elif cell == "GRU":
        x_proj, h_proj = x_proj.view(T, B, 3 * H), h_proj.view(T, B, 3 * H)
        rz = torch.sigmoid(x_proj[..., :2 * H] + h_proj[..., :2 * H])  # (T, B, 2H)
        r = rz[..., :H]
        n = torch.tanh(x_proj[..., 2 * H:] + r * h_proj[..., 2 * H:])  # (T, B, H)
        rz = _np(rz)
        arrays[key("reset_gate")], arrays[key("update_gate")] = rz[..., :H], rz[..., H:]
        arrays[key("candidate")] = _np(n)
    else:
        arrays[key("pre_activation")] = _np((x_proj + h_proj).view(T, B, H))
    arrays[key("hidden_state")] = _np(h_seq)


# The gates of layer l are computed on a second thread while the fused kernel runs layer l+1:
# the kernel's recurrence is a chain of small matrix-vector products that leaves the other core
# idle, and the gate GEMMs fill it. Each job only reads tensors and writes its own dict keys.
# Below about T·B·H = 16k the hand-off costs more than it saves, and the work stays on this thread.
_GATE_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rnnviz-gates")
_PARALLEL_MIN_WORK = 16_384


def _gates_job(*args):
    with torch.no_grad():  # grad mode is per thread
        _gates_from_states(*args)


def _trace_fast(cell, module, x, h0, c0):
    D = 2 if module.bidirectional else 1
    P = h0.shape[-1]
    arrays, h_n, c_n, futures = {}, [], [], []
    parallel = x.shape[0] * x.shape[1] * module.hidden_size >= _PARALLEL_MIN_WORK
    inp = x
    for layer in range(module.num_layers):
        s = slice(layer * D, (layer + 1) * D)
        out, hn, cn = _fused_layer(cell, module, inp, h0[s], None if c0 is None else c0[s], layer, D)
        h_n.append(hn)
        c_n.append(cn)
        for d in range(D):
            job = (cell, module, inp, out[..., d * P:(d + 1) * P], h0[layer * D + d],
                   None if c0 is None else c0[layer * D + d], layer, d, arrays)
            if not parallel or (layer == module.num_layers - 1 and d == D - 1):
                _gates_from_states(*job)  # the last job on this thread: both cores busy to the end
            else:
                futures.append(_GATE_WORKER.submit(_gates_job, *job))
        inp = out
    for f in futures:
        f.result()
    return inp, torch.cat(h_n), (torch.cat(c_n) if cell == "LSTM" else None), arrays


# --------------------------------------------------------------------------- forced path

def _normalise_force(cell, force, num_layers, directions, T) -> list[Force]:
    if force is None:
        return []
    if isinstance(force, Force):
        items: Iterable = [force]
    elif isinstance(force, Mapping):
        items = [Force(name, **v) if isinstance(v, Mapping) else Force(name, float(v))
                 for name, v in force.items()]
    else:
        items = force
    out = []
    for f in items:
        if not isinstance(f, Force):
            raise TypeError("force must be a dict {name: value} or a list of rnnviz.Force.")
        if f.name not in FORCEABLE[cell]:
            raise ValueError(f"{cell} cannot force {f.name!r}; it can force {', '.join(FORCEABLE[cell])}.")
        if f.layer is not None and not 0 <= f.layer < num_layers:
            raise ValueError(f"force layer {f.layer} out of range (0..{num_layers - 1}).")
        if f.direction is not None and not 0 <= f.direction < directions:
            raise ValueError(f"force direction {f.direction} out of range (0..{directions - 1}).")
        if f.steps is not None and any(not -T <= s < T for s in f.steps):
            raise ValueError(f"force steps must be input positions in 0..{T - 1}.")
        out.append(f)
    return out


def _clamp_for(forces: list[Force], layer: int, direction: int, t: int, sizes: dict[str, int]):
    """The clamp hook for one step: overwrite forced units with their value."""
    active = [f for f in forces
              if (f.layer is None or f.layer == layer) and (f.direction is None or f.direction == direction)
              and (f.steps is None or t in f.steps)]
    if not active:
        return cells.no_clamp

    def clamp(name, value):
        for f in active:
            if f.name == name:
                if f.units is None:
                    value = torch.full_like(value, f.value)
                else:
                    units = [u for u in f.units if 0 <= u < sizes[name]]
                    value = value.clone()
                    value[..., units] = f.value
        return value
    return clamp


def _trace_forced(cell, module, x, h0, c0, forces):
    """Every step in Python (rnnviz.core.unroll) with each step's clamp hook."""
    H, P = module.hidden_size, h0.shape[-1]
    sizes = {name: H for name in QUANTITIES[cell]} | {"hidden_state": P}
    run = unroll(cell, module, x, h0, c0, record=True,
                 clamp_for=lambda layer, d, t: _clamp_for(forces, layer, d, t, sizes))
    arrays = {key: _np(torch.stack(seq)) for key, seq in run.steps.items()}  # (T, B, ·) each
    c_n = torch.stack(run.c_n) if cell == "LSTM" else None
    return run.output, torch.stack(run.h_n), c_n, arrays


# --------------------------------------------------------------------------- entry point

def trace(module, x, hx=None, force=None) -> Trace:
    """Run ``module`` on ``x`` and record every gate and state at every step, layer and direction.

    Args:
        module: a ``torch.nn.RNN``, ``torch.nn.LSTM`` or ``torch.nn.GRU`` (any configuration; eval
            mode if it has dropout).
        x: what ``module(x, hx)`` accepts: ``(T, input_size)`` unbatched, ``(T, B, input_size)``, or
            ``(B, T, input_size)`` with ``batch_first``.
        hx: ``h_0`` (``(h_0, c_0)`` for LSTM), as the module accepts it; zeros when None.
        force: ``{"forget_gate": 1.0, ...}`` or a list of :class:`Force` — hold gates/states at a
            constant and recompute everything downstream.

    Returns:
        a :class:`Trace`. ``output``, ``h_n`` and ``c_n`` have the shapes ``module(x, hx)`` returns.
    """
    cell = cell_kind(module)
    x_tb, h0, c0, batched = prepare_inputs(cell, module, x, hx)
    D = 2 if module.bidirectional else 1
    forces = _normalise_force(cell, force, module.num_layers, D, x_tb.shape[0])
    with torch.no_grad():
        if forces:
            forces = [Force(f.name, f.value, f.units,
                            None if f.steps is None else [s % x_tb.shape[0] for s in f.steps],
                            f.layer, f.direction) for f in forces]
            output, h_n, c_n, arrays = _trace_forced(cell, module, x_tb, h0, c0, forces)
        else:
            output, h_n, c_n, arrays = _trace_fast(cell, module, x_tb, h0, c0)
    if not batched:
        output, h_n = output[:, 0], h_n[:, 0]
        c_n = None if c_n is None else c_n[:, 0]
    elif module.batch_first:
        output = output.transpose(0, 1)
    return Trace(cell, module, batched, x_tb.shape[0], output, h_n, c_n, arrays)
