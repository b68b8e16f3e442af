"""One step of a recurrent module as a map on its state: s' = F(s, x). No streamlit.

The dynamical-systems view of an RNN (Sussillo & Barak 2013) needs the recurrence as a function of a
single state vector. For direction d of a module with L layers, the state is

    s = [h_layer0, ..., h_layer(L-1)]                                    RNN, GRU   (L·H)
    s = [h_layer0, ..., h_layer(L-1), c_layer0, ..., c_layer(L-1)]       LSTM       (L·P + L·H)

(h before c, as issue 14 fixes it; P = proj_size or H). One step reads x_t in layer 0 and the new
h of layer l-1 in layer l, exactly as ``torch.nn.RNN/LSTM/GRU`` do (PyTorch's equations, DESIGN §4):

    RNN   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)                    (or relu)
    LSTM  i,f,g,o = σ,σ,tanh,σ(W_ih x + b_ih + W_hh h + b_hh);  c' = f⊙c + i⊙g;  h' = o⊙tanh(c')
          (with proj_size: h' = W_hr (o⊙tanh(c')))
    GRU   r,z = σ(W_i· x + b_i· + W_h· h + b_h·);  n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))
          h' = (1−z)⊙n + z⊙h

``StepMap`` evaluates F in any dtype (float64 for polishing fixed points) on a batch of states and
is differentiable (torch.func). A bidirectional module with more than one layer has no
per-direction state (layer 1 reads both directions of layer 0 at the same position), so only
bidirectional modules with one layer are supported; each direction is then its own system.

``direction_module`` gives a unidirectional ``torch.nn`` module holding one direction's weights, so
a recurrence can be continued from any state with PyTorch's own kernel (state patching);
``finals_from`` continues many such runs at once, of different lengths and from different states,
as one packed batch (``torch.nn.utils.rnn.pack_sequence``: each run's h_n is the state after its own
last input), which is what a patching curve needs: one call instead of one per patched step.
``clamped_run`` runs one direction from zeros with one unit of every layer's h held at a value
after every step (``rnnviz.trace``'s ``Force("hidden_state", value, units=[unit])``), with PyTorch's
fused one-step kernels (``torch.lstm_cell`` / ``gru_cell`` / ``rnn_tanh_cell`` / ``rnn_relu_cell``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_sequence

from rnnviz.core.trace import Trace, cell_kind


class UnsupportedModel(ValueError):
    """The state-space analyses cannot treat this module (said in words the page can show)."""


@dataclass(frozen=True)
class StateLayout:
    """Where h and c of each layer sit in the state vector of one direction."""

    cell: str
    num_layers: int
    hidden_size: int  # H (size of c and of the gates)
    output_size: int  # P (size of h: proj_size or H)

    @property
    def size(self) -> int:
        return self.num_layers * (self.output_size + (self.hidden_size if self.cell == "LSTM" else 0))

    @property
    def h_size(self) -> int:
        return self.num_layers * self.output_size

    def h_slice(self, layer: int) -> slice:
        return slice(layer * self.output_size, (layer + 1) * self.output_size)

    def c_slice(self, layer: int) -> slice:
        start = self.h_size + layer * self.hidden_size
        return slice(start, start + self.hidden_size)

    def top_h(self) -> slice:
        return self.h_slice(self.num_layers - 1)

    def from_trace(self, tr: Trace, direction: int = 0) -> np.ndarray:
        """The state after each input position, (T, S) float32, from an (unbatched) trace."""
        parts = [tr.get("hidden_state", layer, direction) for layer in range(self.num_layers)]
        if self.cell == "LSTM":
            parts += [tr.get("cell_state", layer, direction) for layer in range(self.num_layers)]
        return np.concatenate(parts, axis=1)

    def to_hx(self, state: torch.Tensor):
        """State (S,) -> the ``hx`` a unidirectional module takes: h (L, P) or (h, c)."""
        h = torch.stack([state[self.h_slice(k)] for k in range(self.num_layers)])  # (L, P)
        if self.cell != "LSTM":
            return h
        c = torch.stack([state[self.c_slice(k)] for k in range(self.num_layers)])  # (L, H)
        return h, c


def layout(module: nn.RNNBase) -> StateLayout:
    cell = cell_kind(module)
    if module.bidirectional and module.num_layers > 1:
        raise UnsupportedModel("A bidirectional model with several layers has no state per direction "
                               "(each upper layer reads both directions), so it has no fixed points of its own.")
    proj = getattr(module, "proj_size", 0) or module.hidden_size
    return StateLayout(cell, module.num_layers, module.hidden_size, proj)


def _param(module, name: str, layer: int, direction: int):
    return getattr(module, f"{name}_l{layer}" + ("_reverse" if direction == 1 else ""), None)


class StepMap:
    """F(s, x) for one direction, on a batch of states: ``step(s (B, S), x (B, In) or None) -> (B, S)``.

    x = None means zero input (the fixed-point problem of Sussillo & Barak 2013)."""

    def __init__(self, module: nn.RNNBase, direction: int = 0, dtype: torch.dtype = torch.float64):
        self.layout = layout(module)
        self.cell = self.layout.cell
        self.nonlinearity = getattr(module, "nonlinearity", "tanh")
        self.weights = []
        for layer in range(module.num_layers):
            w_ih = _param(module, "weight_ih", layer, direction).detach().to(dtype)  # (G·H, In)
            w_hh = _param(module, "weight_hh", layer, direction).detach().to(dtype)  # (G·H, P)
            rows = w_hh.shape[0]
            b_ih, b_hh = (_param(module, n, layer, direction) for n in ("bias_ih", "bias_hh"))
            b_ih = b_ih.detach().to(dtype) if b_ih is not None else torch.zeros(rows, dtype=dtype)
            b_hh = b_hh.detach().to(dtype) if b_hh is not None else torch.zeros(rows, dtype=dtype)
            w_hr = _param(module, "weight_hr", layer, direction)
            self.weights.append((w_ih, w_hh, b_ih, b_hh, None if w_hr is None else w_hr.detach().to(dtype)))

    def __call__(self, s: torch.Tensor, x: torch.Tensor | None = None) -> torch.Tensor:
        lay = self.layout
        hs, cs = [], []
        inp = x
        for k, (w_ih, w_hh, b_ih, b_hh, w_hr) in enumerate(self.weights):
            h = s[..., lay.h_slice(k)]                                    # (B, P)
            gi = b_ih if inp is None else inp @ w_ih.T + b_ih             # (B, G·H) or (G·H,)
            gh = h @ w_hh.T + b_hh                                        # (B, G·H)
            if self.cell == "RNN":
                a = gi + gh
                h_new = torch.tanh(a) if self.nonlinearity == "tanh" else torch.relu(a)
            elif self.cell == "GRU":
                ir, iz, i_n = gi.chunk(3, dim=-1)
                hr, hz, h_n = gh.chunk(3, dim=-1)
                r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
                n = torch.tanh(i_n + r * h_n)
                h_new = (1 - z) * n + z * h
            else:
                i, f, g, o = (gi + gh).chunk(4, dim=-1)
                c_new = torch.sigmoid(f) * s[..., lay.c_slice(k)] + torch.sigmoid(i) * torch.tanh(g)  # (B, H)
                h_new = torch.sigmoid(o) * torch.tanh(c_new)
                if w_hr is not None:
                    h_new = h_new @ w_hr.T                                # (B, P)
                cs.append(c_new)
            hs.append(h_new)
            inp = h_new
        return torch.cat(hs + cs, dim=-1)                                 # (B, S)


def direction_module(module: nn.RNNBase, direction: int) -> nn.RNNBase:
    """A unidirectional copy of ``module`` holding direction ``direction``'s weights (eval, no grad)."""
    if not module.bidirectional:
        return module
    layout(module)  # refuses the multi-layer bidirectional case
    cls = type(module)
    kw = dict(input_size=module.input_size, hidden_size=module.hidden_size, num_layers=1, bias=module.bias)
    if cell_kind(module) == "LSTM" and getattr(module, "proj_size", 0):
        kw["proj_size"] = module.proj_size
    if cell_kind(module) == "RNN":
        kw["nonlinearity"] = module.nonlinearity
    copy = cls(**kw)
    suffix = "_reverse" if direction == 1 else ""
    state = {name: getattr(module, name + suffix) for name, _ in copy.named_parameters()}
    copy.load_state_dict({k: v.detach() for k, v in state.items()})
    return copy.eval().requires_grad_(False)


def run_from(module: nn.RNNBase, x: torch.Tensor, state: np.ndarray, direction: int = 0) -> np.ndarray:
    """Continue direction ``direction`` over inputs ``x`` (T, In) — in the order that direction reads
    them — from ``state`` (S,), with PyTorch's kernel. Returns the state after each input, (T, S)."""
    lay = layout(module)
    mod = direction_module(module, direction)
    s = torch.as_tensor(state, dtype=x.dtype)                             # (S,)
    with torch.no_grad():
        if lay.num_layers == 1 and lay.cell != "LSTM":                    # the output is the whole state
            return mod(x, lay.to_hx(s))[0].numpy()                        # (T, P)
        states = []
        for t in range(x.shape[0]):  # every layer's h (and c) after each input: one fused step at a time
            _, hx = mod(x[t:t + 1], lay.to_hx(s))
            h, c = hx if lay.cell == "LSTM" else (hx, None)
            s = torch.cat(list(h) + (list(c) if c is not None else []))   # (S,)
            states.append(s.numpy().copy())
    return np.stack(states) if states else np.zeros((0, lay.size), np.float32)


def finals_from(module: nn.RNNBase, inputs: list[torch.Tensor], states: np.ndarray, direction: int = 0) -> np.ndarray:
    """For each run k: continue direction ``direction`` from ``states[k]`` (S,) over ``inputs[k]``
    (n_k, In), in the order that direction reads them, and return the state after its last input
    (``states[k]`` itself when n_k = 0), (K, S) float32. All runs go through PyTorch's kernel in one
    packed batch (the same recurrence as ``run_from``, K times fewer calls)."""
    lay = layout(module)
    finals = np.array(states, dtype=np.float32, copy=True).reshape(len(inputs), lay.size)
    live = [k for k, x in enumerate(inputs) if len(x)]
    if not live:
        return finals
    s = torch.from_numpy(finals[live])                                               # (B, S)
    h = torch.stack([s[:, lay.h_slice(k)] for k in range(lay.num_layers)])           # (L, B, P)
    hx = (h, torch.stack([s[:, lay.c_slice(k)] for k in range(lay.num_layers)])) if lay.cell == "LSTM" else h
    packed = pack_sequence([inputs[k].to(torch.float32) for k in live], enforce_sorted=False)
    with torch.no_grad():
        _, hx_n = direction_module(module, direction)(packed, hx)                    # in the runs' order
    h_n, c_n = hx_n if lay.cell == "LSTM" else (hx_n, None)
    parts = list(h_n) + (list(c_n) if c_n is not None else [])                       # each (B, P) or (B, H)
    finals[live] = torch.cat(parts, dim=1).numpy()
    return finals


def clamped_run(module: nn.RNNBase, x: torch.Tensor, unit: int, value: float, direction: int = 0) -> np.ndarray | None:
    """Direction ``direction`` over ``x`` (T, In) from a zero state, every layer's h[unit] set to
    ``value`` after every step (what the next layer and the next step read). Returns the state
    after each input position, (T, S) float32, in input order; None for a projected LSTM
    (``proj_size``: no fused one-step kernel), for which the caller traces with a Force instead."""
    lay = layout(module)
    if lay.output_size != lay.hidden_size:
        return None
    step = {"LSTM": torch.lstm_cell, "GRU": torch.gru_cell,
            "RNN": torch.rnn_relu_cell if getattr(module, "nonlinearity", "tanh") == "relu" else torch.rnn_tanh_cell}[lay.cell]
    weights = [tuple(_param(module, n, k, direction) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
               for k in range(lay.num_layers)]
    T, H = x.shape[0], lay.hidden_size
    h = [torch.zeros(1, H, dtype=x.dtype) for _ in range(lay.num_layers)]
    c = [torch.zeros(1, H, dtype=x.dtype) for _ in range(lay.num_layers)] if lay.cell == "LSTM" else []
    states = np.zeros((T, lay.size), np.float32)
    with torch.no_grad():
        for t in (range(T) if direction == 0 else range(T - 1, -1, -1)):
            inp = x[t:t + 1]                                                 # (1, In)
            for k, (w_ih, w_hh, b_ih, b_hh) in enumerate(weights):
                if lay.cell == "LSTM":
                    h[k], c[k] = step(inp, (h[k], c[k]), w_ih, w_hh, b_ih, b_hh)
                else:
                    h[k] = step(inp, h[k], w_ih, w_hh, b_ih, b_hh)
                if 0 <= unit < H:
                    h[k] = h[k].clone()
                    h[k][:, unit] = value
                inp = h[k]
            states[t] = torch.cat(h + c, dim=1)[0].numpy()
    return states
