"""The lab's network and its app-facing wrapper.

``LabNet``: embedding -> one torch recurrent module (time first, exactly what ``rnnviz.trace``
reads) -> linear head at every step: y_t = W h_t + b, read as softmax(y_t) for the classification
tasks and as values for the flip-flop.

``LabModel`` is a :class:`rnnviz.models.Model` (task ``"lab"``) so every view — the Gate Explorer,
the state-space view — can open a trained lab model: ``tokens(text)`` (one character per step),
``inputs``, ``trace`` and ``readout(trace) -> float32 (T, n_outputs)`` per-step outputs
(probabilities for classification tasks, values for the flip-flop). Its weights use the assets'
key names (``embedding.weight``, ``rnn.<torch key>``, ``head.weight``, ``head.bias``).

Initialisation draws from a generator owned by the run, never from torch's global stream, so two
trainings in two threads cannot disturb each other: recurrent weights and biases
U(−1/√H, 1/√H) (PyTorch's own default for nn.RNN/LSTM/GRU), embedding N(0, 1), head U(−1/√H, 1/√H).
Gate-bias options (``gate_bias``), in PyTorch's gate order (LSTM i f g o, GRU r z n); the whole
bias of the chosen gate sits in ``bias_ih`` and ``bias_hh`` gets 0 for it:
- ``default``: PyTorch's initialisation, nothing changed;
- ``plus1`` / ``plus2``: forget-gate (LSTM) or update-gate (GRU) bias = 1 or 2 (Gers et al. 2000;
  Jozefowicz et al. 2015) — a gate of σ(2) ≈ 0.88 keeps 0.88¹⁰⁰ ≈ 3e-6 of a value after 100 steps;
- ``chrono``: b_f ~ log U(1, T_max − 1) and b_i = −b_f (LSTM), b_z ~ log U(1, T_max − 1) (GRU;
  PyTorch's z keeps the old state) — Tallec & Ollivier 2018, "Can recurrent neural networks warp
  time?": unit k then forgets on a time scale of about e^{b_k} steps, spread up to T_max.
The classic RNN has no gate: every option leaves it at PyTorch's initialisation.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from rnnviz import Trace
from rnnviz.models import Model, NextTokens, architecture
from rnnviz.models.text import Vocab
from rnnviz.lab.tasks import Task, pulse_vectors

GATE_BIAS = ("default", "plus1", "plus2", "chrono")
EMBEDDING_DIM = 8
MODULES = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}


class LabNet(nn.Module):
    def __init__(self, task: Task, cell: str, hidden_size: int):
        super().__init__()
        fixed = task.name == "flipflop"
        dim = 3 if fixed else EMBEDDING_DIM
        with torch.device("meta"):          # no draw from torch's global stream (see initialise)
            self.embedding = nn.Embedding(len(task.itos), dim)
            self.rnn = MODULES[cell](dim, hidden_size)
            self.head = nn.Linear(hidden_size, task.n_outputs)
        self.to_empty(device="cpu")         # uninitialised: initialise() or load_state_dict() fills it
        self.embedding.weight.requires_grad_(not fixed)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (T, B) -> outputs (T, B, n_outputs)."""
        out, _ = self.rnn(self.embedding(ids))        # (T, B, H)
        return self.head(out)                          # (T, B, n_outputs)


def initialise(net: LabNet, task: Task, cell: str, gate_bias: str, generator: torch.Generator) -> None:
    """PyTorch's default init from ``generator``, then the gate-bias option (see module docstring)."""
    if gate_bias not in GATE_BIAS:
        raise ValueError(f"gate_bias must be one of {GATE_BIAS}, got {gate_bias!r}.")
    H = net.rnn.hidden_size
    bound = 1.0 / math.sqrt(H)
    with torch.no_grad():
        for p in net.rnn.parameters():
            p.uniform_(-bound, bound, generator=generator)
        if task.name == "flipflop":
            net.embedding.weight.copy_(pulse_vectors())
        else:
            net.embedding.weight.normal_(0.0, 1.0, generator=generator)
        net.head.weight.uniform_(-bound, bound, generator=generator)
        net.head.bias.uniform_(-bound, bound, generator=generator)
        if cell == "RNN" or gate_bias == "default":
            return
        keep = {"LSTM": 1, "GRU": 1}[cell]             # chunk index of f (LSTM: i f g o) and z (GRU: r z n)
        if gate_bias == "chrono":
            T_max = max(task.horizon, 3)
            u = torch.rand(H, generator=generator, dtype=torch.float64) * (T_max - 2) + 1.0
            value = torch.log(u).float()                                              # (H,)
        else:
            value = torch.full((H,), 1.0 if gate_bias == "plus1" else 2.0)
        net.rnn.bias_ih_l0[keep * H:(keep + 1) * H] = value
        net.rnn.bias_hh_l0[keep * H:(keep + 1) * H] = 0.0
        if cell == "LSTM" and gate_bias == "chrono":
            net.rnn.bias_ih_l0[0:H] = -value                                          # input gate
            net.rnn.bias_hh_l0[0:H] = 0.0


def state_dict_of(net: LabNet) -> dict[str, torch.Tensor]:
    """Detached float32 copies, under the assets' key names."""
    return {k: v.detach().clone().float() for k, v in net.state_dict().items()}


class LabModel(Model):
    """A trained (or checkpointed) lab network as an app model. ``config["lab"]`` = task and options."""

    def __init__(self, name: str, task: Task, cell: str, weights: dict[str, torch.Tensor], *,
                 options: dict, metrics: dict | None = None, title: str | None = None):
        H = weights["rnn.weight_hh_l0"].shape[1]
        net = LabNet(task, cell, H)
        net.load_state_dict(weights)
        self.lab_task = task
        config = {"name": name, "task": "lab", "io_shape": "N→N", "level": "char",
                  "title": title or name, "vocab": Vocab(task.itos).to_json(),
                  "architecture": architecture(net.rnn), "outputs": list(task.outputs),
                  "output_kind": task.kind, "lab": {"task": task.name, **options},
                  "metrics": metrics or {}}
        super().__init__(name, net.rnn, task="lab", level="char", title=config["title"],
                         vocab=Vocab(task.itos), embedding=net.embedding, head=net.head,
                         labels=list(task.outputs), io_shape="N→N", metrics=metrics, config=config)

    def tokens(self, text: str) -> list[str]:
        """One character per step; spaces are ignored (the tasks have none)."""
        return [ch for ch in super().tokens(text) if not ch.isspace()]

    def readout(self, tr: Trace) -> np.ndarray:
        """Per-step outputs from a trace: float32 (T, n_outputs) — probabilities, or the flip-flop's values."""
        with torch.no_grad():
            y = self.head(tr.output)                                   # (T, n_outputs)
            if self.lab_task.kind == "classify":
                y = torch.softmax(y, dim=-1)
            return y.numpy().astype(np.float32)

    def prediction(self, tr: Trace) -> NextTokens | None:
        """Typed per-step outputs for the other views: class probabilities over the task's output
        names; None for the flip-flop (its outputs are values, not a distribution)."""
        if self.lab_task.kind != "classify":
            return None
        return NextTokens(self.readout(tr), tuple(self.lab_task.outputs))

    def weights(self) -> dict[str, torch.Tensor]:
        """The state dict in the assets' key names (embedding.weight, rnn.*, head.*)."""
        out = {"embedding.weight": self.embedding.weight.detach().clone()}
        out.update({f"rnn.{k}": v.detach().clone() for k, v in self.module.state_dict().items()})
        out.update({f"head.{k}": v.detach().clone() for k, v in self.head.state_dict().items()})
        return out
