"""One time step of PyTorch's recurrent cells, written out gate by gate.

These are the equations of ``torch.nn.RNN``, ``torch.nn.LSTM`` and ``torch.nn.GRU`` (see
``torch/nn/modules/rnn.py``), with the same symbols. Every function takes the input projection
``xw_t = W_i· x_t + b_i·`` already computed for all steps at once (one GEMM for the whole
sequence), so a step only multiplies the recurrent weights.

LSTM (gate order i, f, g, o in ``weight_ih_l{k}``, shape ``(4H, in)``)::

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)                      (with proj_size P: h_t = W_hr (o_t ⊙ tanh(c_t)))

GRU (gate order r, z, n, shape ``(3H, in)``)::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}

PyTorch's GRU keeps ``r_t`` *inside* the candidate and ``b_hn`` separate, and ``z_t → 1`` *keeps the
old state* ``h_{t-1}``; some texts (including the lecture notes this project grew from) describe
the opposite convention, where z → 1 takes the new state.

RNN::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh     ("pre_activation")
    h_t = tanh(a_t)   (or relu)

where σ is the logistic sigmoid and ⊙ the elementwise product. Shapes: ``B`` batch, ``H`` hidden
size, ``P`` projection size (LSTM only; P = H without projection).

Each step takes ``clamp(name, value) -> value``, the hook through which ``rnnviz.trace`` forces a
gate or state to a constant (ablation). Forcing happens right where the quantity is produced, so
everything downstream of it is recomputed exactly.
"""

from __future__ import annotations

from typing import Callable

import torch

Clamp = Callable[[str, torch.Tensor], torch.Tensor]


def no_clamp(name: str, value: torch.Tensor) -> torch.Tensor:
    return value


def _recurrent(h: torch.Tensor, w_hh: torch.Tensor, b_hh: torch.Tensor | None) -> torch.Tensor:
    """W_h· h_{t-1} + b_h·   (B, G*H)"""
    out = h @ w_hh.T
    return out if b_hh is None else out + b_hh


def lstm_step(xw_t, h, c, w_hh, b_hh, w_hr=None, clamp: Clamp = no_clamp):
    """One LSTM step. xw_t: (B, 4H); h: (B, P); c: (B, H). Returns (quantities, h_t, c_t)."""
    pre = xw_t + _recurrent(h, w_hh, b_hh)  # (B, 4H)
    pre_i, pre_f, pre_g, pre_o = pre.chunk(4, dim=-1)  # 4 × (B, H), PyTorch's order i, f, g, o
    i = clamp("input_gate", torch.sigmoid(pre_i))
    f = clamp("forget_gate", torch.sigmoid(pre_f))
    g = clamp("cell_candidate", torch.tanh(pre_g))
    o = clamp("output_gate", torch.sigmoid(pre_o))
    c_t = clamp("cell_state", f * c + i * g)  # (B, H)
    h_t = o * torch.tanh(c_t)  # (B, H)
    if w_hr is not None:
        h_t = h_t @ w_hr.T  # (B, P)
    h_t = clamp("hidden_state", h_t)
    q = {"input_gate": i, "forget_gate": f, "cell_candidate": g, "output_gate": o,
         "cell_state": c_t, "hidden_state": h_t}
    return q, h_t, c_t


def gru_step(xw_t, h, w_hh, b_hh, clamp: Clamp = no_clamp):
    """One GRU step. xw_t: (B, 3H); h: (B, H). Returns (quantities, h_t)."""
    x_r, x_z, x_n = xw_t.chunk(3, dim=-1)  # 3 × (B, H), order r, z, n
    h_r, h_z, h_n = _recurrent(h, w_hh, b_hh).chunk(3, dim=-1)
    r = clamp("reset_gate", torch.sigmoid(x_r + h_r))
    z = clamp("update_gate", torch.sigmoid(x_z + h_z))
    n = clamp("candidate", torch.tanh(x_n + r * h_n))  # r inside, b_hn kept in h_n
    h_t = clamp("hidden_state", (1 - z) * n + z * h)  # z → 1 keeps the old state
    return {"reset_gate": r, "update_gate": z, "candidate": n, "hidden_state": h_t}, h_t


def rnn_step(xw_t, h, w_hh, b_hh, nonlinearity="tanh", clamp: Clamp = no_clamp):
    """One Elman RNN step. xw_t: (B, H); h: (B, H). Returns (quantities, h_t)."""
    a = xw_t + _recurrent(h, w_hh, b_hh)  # (B, H)
    h_t = clamp("hidden_state", torch.tanh(a) if nonlinearity == "tanh" else torch.relu(a))
    return {"pre_activation": a, "hidden_state": h_t}, h_t
