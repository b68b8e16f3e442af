"""Module plumbing and the one Python loop over layers × directions × time.

    w = layer_weights(module, layer=0, direction=1)      # {"w_ih", "w_hh", "b_ih", "b_hh", "w_hr"}
    x, h0, c0, batched = prepare_inputs("LSTM", module, x, hx)   # x (T, B, In), h0 (L*D, B, P)
    out = unroll("LSTM", module, x, h0, c0)              # every step through rnnviz.core.cells

PyTorch stores a recurrent module's weights per layer ``l`` and direction as ``weight_ih_l{l}``,
``weight_hh_l{l}``, ``bias_ih_l{l}``, ``bias_hh_l{l}`` (and ``weight_hr_l{l}`` for an LSTM with
``proj_size``), with the suffix ``_reverse`` for the backward direction (torch/nn/modules/rnn.py).

:func:`unroll` runs the equations of ``rnnviz.core.cells`` one step at a time, layer by layer: each
direction of layer l reads the whole output ``[h→_t ; h←_t]`` of layer l-1, the backward direction
walks from the last position to the first. Two callers share it:

- the forced trace (``rnnviz.core.trace`` with ``force``): ``clamp_for`` returns the clamp hook of
  each step, which holds a gate or state at a constant where it is produced;
- ``rnnviz.core.gradients``: ``after_step`` adds a zero perturbation δ_t to the top layer's h_t, so
  ∂h_final/∂δ_t = ∂h_final/∂h_t.

Shapes: ``T`` steps, ``B`` batch, ``L`` layers, ``D`` directions, ``H`` hidden size, ``P``
projection size (P = H without projection), ``G`` gate blocks (1 RNN, 3 GRU, 4 LSTM).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch

from rnnviz.core import cells


def num_directions(module) -> int:
    return 2 if module.bidirectional else 1


def layer_weights(module, layer: int, direction: int) -> dict[str, torch.Tensor | None]:
    """The weights of one layer and direction: ``w_ih`` (G*H, In), ``w_hh`` (G*H, P), ``b_ih`` and
    ``b_hh`` (G*H,) or None without bias, ``w_hr`` (P, H) or None without projection."""
    sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    get = lambda n: getattr(module, n + sfx, None)  # noqa: E731
    return {"w_ih": get("weight_ih"), "w_hh": get("weight_hh"), "b_ih": get("bias_ih"),
            "b_hh": get("bias_hh"), "w_hr": get("weight_hr")}


def prepare_inputs(cell: str, module, x, hx):
    """Validate and bring x to (T, B, In) and hx to (L*D, B, ·). Returns (x, h0, c0, batched)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}.")
    if x.dim() not in (2, 3):
        raise ValueError(f"x must be 2-D (T, input_size) or 3-D batched; got shape {tuple(x.shape)}.")
    if x.shape[-1] != module.input_size:
        raise ValueError(
            f"x has {x.shape[-1]} features per step but the module expects input_size={module.input_size}."
        )
    if module.training and module.dropout > 0 and module.num_layers > 1:
        raise ValueError("The module is in training mode with dropout; call module.eval() before tracing.")
    batched = x.dim() == 3
    x = x.to(module.weight_ih_l0.dtype)
    if not batched:
        x = x.unsqueeze(1)  # (T, 1, In)
    elif module.batch_first:
        x = x.transpose(0, 1)  # (B, T, In) -> (T, B, In)
    if x.shape[0] == 0:
        raise ValueError("x has no time steps (T = 0).")
    T, B, _ = x.shape
    D = num_directions(module)
    P = module.proj_size if cell == "LSTM" and module.proj_size > 0 else module.hidden_size
    h_shape, c_shape = (module.num_layers * D, B, P), (module.num_layers * D, B, module.hidden_size)

    def state(s, shape, what):
        if s is None:
            return x.new_zeros(shape)
        s = s.to(x.dtype)
        s = s if batched else s.unsqueeze(1)
        if tuple(s.shape) != shape:
            want = shape if batched else (shape[0], shape[2])
            got = tuple(s.shape) if batched else (s.shape[0], s.shape[2])
            raise ValueError(f"{what} has shape {got}; expected {want}.")
        return s

    if cell == "LSTM":
        h0, c0 = (None, None) if hx is None else hx
        return x, state(h0, h_shape, "h0"), state(c0, c_shape, "c0"), batched
    return x, state(hx, h_shape, "h0"), None, batched


def step_order(steps: int, direction: int) -> range:
    """Input positions in the order a direction reads them (backward: last to first)."""
    return range(steps) if direction == 0 else range(steps - 1, -1, -1)


def cell_step(cell: str, module, w: dict, xw_t, h, c, clamp: cells.Clamp = cells.no_clamp):
    """One step of ``cell`` through ``rnnviz.core.cells``. Returns (quantities, h_t, c_t or None)."""
    if cell == "LSTM":
        return cells.lstm_step(xw_t, h, c, w["w_hh"], w["b_hh"], w["w_hr"], clamp)
    if cell == "GRU":
        q, h = cells.gru_step(xw_t, h, w["w_hh"], w["b_hh"], clamp)
    else:
        q, h = cells.rnn_step(xw_t, h, w["w_hh"], w["b_hh"], module.nonlinearity, clamp)
    return q, h, None


ClampFor = Callable[[int, int, int], cells.Clamp]  # (layer, direction, t) -> clamp hook
AfterStep = Callable[[int, int, int, torch.Tensor], torch.Tensor]  # (layer, direction, t, h_t) -> h_t


@dataclass
class Unrolled:
    """What :func:`unroll` returns. ``output`` (T, B, D*P): the top layer's h_t of every position;
    ``h_n``, ``c_n``: the final state of each layer and direction, in PyTorch's order (l*D + d);
    ``steps[(name, layer, direction)]``: T tensors (B, ·), position t at index t (when recorded)."""

    output: torch.Tensor
    h_n: list[torch.Tensor]
    c_n: list[torch.Tensor | None]
    steps: dict[tuple[str, int, int], list[torch.Tensor]] = field(default_factory=dict)


def unroll(cell: str, module, x: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor | None, *,
           clamp_for: ClampFor | None = None, after_step: AfterStep | None = None,
           record: bool = False) -> Unrolled:
    """Step ``module`` through ``x`` (T, B, In) from h0 (L*D, B, P) [and c0 (L*D, B, H)].

    ``clamp_for(layer, direction, t)`` gives each step's clamp hook (forcing); ``after_step`` may
    replace h_t after each step (perturbing); ``record`` keeps every quantity of every step.
    Differentiable when called with grad enabled.
    """
    D = num_directions(module)
    T = x.shape[0]
    result = Unrolled(output=x, h_n=[], c_n=[])
    inp = x
    for layer in range(module.num_layers):
        outs = []
        for d in range(D):
            w = layer_weights(module, layer, d)
            x_proj = inp @ w["w_ih"].T  # (T, B, G*H), once for all steps
            if w["b_ih"] is not None:
                x_proj = x_proj + w["b_ih"]
            # unbind, not x_proj[t]: indexing's backward writes a full-size zero tensor per step
            x_proj = x_proj.unbind(0)  # T × (B, G*H)
            h, c = h0[layer * D + d], (None if c0 is None else c0[layer * D + d])
            hs: list = [None] * T
            for t in step_order(T, d):
                clamp = cells.no_clamp if clamp_for is None else clamp_for(layer, d, t)
                q, h, c = cell_step(cell, module, w, x_proj[t], h, c, clamp)
                if after_step is not None:
                    h = after_step(layer, d, t, h)
                hs[t] = h
                if record:
                    for name, v in q.items():
                        result.steps.setdefault((name, layer, d), [None] * T)[t] = v
            outs.append(torch.stack(hs))  # (T, B, P)
            result.h_n.append(h)
            result.c_n.append(c)
        inp = torch.cat(outs, dim=-1)  # (T, B, D*P)
    result.output = inp
    return result
