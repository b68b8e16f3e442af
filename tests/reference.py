"""An independent reference: PyTorch's recurrent equations stepped in float64 numpy from the weights.

Written separately from rnnviz (no shared code) so the tests compare two implementations, and both
against torch.nn itself. Uses the concatenated form of the lecture notes, W [x_t, h_{t-1}] + b with
W = [W_ih | W_hh], which equals PyTorch's two-matrix form.
"""

from __future__ import annotations

import numpy as np


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _w(module, name, layer, direction):
    t = getattr(module, f"{name}_l{layer}{'_reverse' if direction else ''}", None)
    return None if t is None else t.detach().double().numpy()


def reference(module, x, h0=None, c0=None):
    """x: (T, In) numpy. Returns {(name, layer, direction): (T, H) float64}, output, h_n, c_n."""
    kind = type(module).__name__
    L, D, H = module.num_layers, 2 if module.bidirectional else 1, module.hidden_size
    P = getattr(module, "proj_size", 0) or H
    T = x.shape[0]
    h0 = np.zeros((L * D, P)) if h0 is None else h0
    c0 = np.zeros((L * D, H)) if c0 is None else c0
    rec, h_n, c_n = {}, [], []
    inp = np.asarray(x, dtype=np.float64)
    for layer in range(L):
        outs = []
        for d in range(D):
            W = np.concatenate([_w(module, "weight_ih", layer, d), _w(module, "weight_hh", layer, d)], axis=1)
            b_ih, b_hh = _w(module, "bias_ih", layer, d), _w(module, "bias_hh", layer, d)
            b_ih = np.zeros(W.shape[0]) if b_ih is None else b_ih
            b_hh = np.zeros(W.shape[0]) if b_hh is None else b_hh
            w_hr = _w(module, "weight_hr", layer, d)
            h, c = h0[layer * D + d].astype(np.float64), c0[layer * D + d].astype(np.float64)
            names = {"LSTM": ["input_gate", "forget_gate", "cell_candidate", "output_gate", "cell_state"],
                     "GRU": ["reset_gate", "update_gate", "candidate"], "RNN": ["pre_activation"]}[kind]
            store = {n: np.zeros((T, H)) for n in names}
            store["hidden_state"] = np.zeros((T, P))
            for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
                xh = np.concatenate([inp[t], h])
                if kind == "LSTM":
                    a = W @ xh + b_ih + b_hh
                    i, f, g, o = _sigmoid(a[:H]), _sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), _sigmoid(a[3 * H:])
                    c = f * c + i * g
                    h = o * np.tanh(c)
                    if w_hr is not None:
                        h = w_hr @ h
                    vals = [i, f, g, o, c]
                elif kind == "GRU":
                    In = inp.shape[1]
                    gi = W[:, :In] @ inp[t] + b_ih
                    gh = W[:, In:] @ h + b_hh
                    r = _sigmoid(gi[:H] + gh[:H])
                    z = _sigmoid(gi[H:2 * H] + gh[H:2 * H])
                    n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
                    h = (1 - z) * n + z * h
                    vals = [r, z, n]
                else:
                    a = W @ xh + b_ih + b_hh
                    h = np.tanh(a) if module.nonlinearity == "tanh" else np.maximum(a, 0)
                    vals = [a]
                for n_, v in zip(names, vals):
                    store[n_][t] = v
                store["hidden_state"][t] = h
            for n_, arr in store.items():
                rec[(n_, layer, d)] = arr
            outs.append(store["hidden_state"])
            h_n.append(h)
            c_n.append(c)
        inp = np.concatenate(outs, axis=1)
    return rec, inp, np.stack(h_n), np.stack(c_n)
